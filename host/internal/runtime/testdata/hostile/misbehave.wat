;; A hostile guest for runtime_hostile_test.go, compiled there with internal/wat
;; (wat.MustCompileFile); no other build step.
;; One guest, several misbehaviours, chosen by the request method's length:
;; 3 (GET) answers 200; 4 (POST) traps; 5 (PATCH) loops forever; 6 (DELETE)
;; grows memory until refused and answers with the pages it reached;
;; 7 (OPTIONS) fetches until refused and answers 429; 9 (any 9-letter
;; method) writes 64 KiB chunks until refused.
(module
  (import "wasmpages_v1" "request_head" (func $request_head (param i32 i32) (result i32)))
  (import "wasmpages_v1" "response_head" (func $response_head (param i32 i32) (result i32)))
  (import "wasmpages_v1" "response_body_write" (func $response_body_write (param i32 i32) (result i32)))
  (import "wasmpages_v1" "fetch" (func $fetch (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  ;; 0: response head 200; 8: head 429; 16: fetch head "GET" "http://127.0.0.1:9/"
  (data (i32.const 0) "\c8\00\00\00")
  (data (i32.const 8) "\ad\01\00\00")
  (data (i32.const 16) "\03\00\00\00GET\14\00\00\00http://127.0.0.1:9/x")
  (func (export "_initialize"))
  (func (export "wasmpages_abi_version") (result i32) (i32.const 1))
  (func (export "wasmpages_handle") (result i32)
    (local $kind i32)
    (local $pages i32)
    ;; The request head starts with the method's u32 length.
    (drop (call $request_head (i32.const 4096) (i32.const 60000)))
    (local.set $kind (i32.load (i32.const 4096)))
    (if (i32.eq (local.get $kind) (i32.const 4)) (then unreachable))
    (if (i32.eq (local.get $kind) (i32.const 5))
      (then (loop $forever (br $forever))))
    (if (i32.eq (local.get $kind) (i32.const 6))
      (then
        (block $refused
          (loop $grow
            (br_if $refused (i32.eq (memory.grow (i32.const 16)) (i32.const -1)))
            (br $grow)))
        (local.set $pages (memory.size))
        (i32.store (i32.const 100) (local.get $pages))
        (drop (call $response_head (i32.const 0) (i32.const 4)))
        (drop (call $response_body_write (i32.const 100) (i32.const 4)))
        (return (i32.const 0))))
    (if (i32.eq (local.get $kind) (i32.const 7))
      (then
        (block $refused
          (loop $again
            (br_if $refused (i32.eq
              (call $fetch (i32.const 0) (i32.const 16) (i32.const 31) (i32.const 0) (i32.const 0))
              (i32.const -4)))
            (br $again)))
        (drop (call $response_head (i32.const 8) (i32.const 4)))
        (return (i32.const 0))))
    (drop (call $response_head (i32.const 0) (i32.const 4)))
    (if (i32.eq (local.get $kind) (i32.const 9))
      (then (block $refused (loop $write
        (br_if $refused (call $response_body_write (i32.const 0) (i32.const 65536)))
        (br $write)))))
    (i32.const 0)))
