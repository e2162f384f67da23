;; A hostile guest for runtime_hostile_test.go, compiled there with internal/wat
;; (wat.MustCompileFile); no other build step.
;; Passes out-of-bounds pointers and huge lengths to every host function that
;; takes one, checks that each answers ErrFault (-1), then answers 200.
(module
  (import "wasmpages_v1" "request_head" (func $request_head (param i32 i32) (result i32)))
  (import "wasmpages_v1" "request_body_read" (func $request_body_read (param i32 i32) (result i32)))
  (import "wasmpages_v1" "response_head" (func $response_head (param i32 i32) (result i32)))
  (import "wasmpages_v1" "response_body_write" (func $response_body_write (param i32 i32) (result i32)))
  (import "wasmpages_v1" "fetch" (func $fetch (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\c8\00\00\00")
  (func (export "_initialize"))
  (func (export "wasmpages_abi_version") (result i32) (i32.const 1))
  (func $expect_fault (param i32)
    (if (i32.ne (local.get 0) (i32.const -1)) (then unreachable)))
  (func (export "wasmpages_handle") (result i32)
    (call $expect_fault (call $request_head (i32.const 65530) (i32.const 4096)))
    (call $expect_fault (call $request_body_read (i32.const -16) (i32.const 100)))
    (call $expect_fault (call $request_body_read (i32.const 0) (i32.const -1)))
    (call $expect_fault (call $response_head (i32.const 65535) (i32.const 8)))
    (call $expect_fault (call $fetch (i32.const 0) (i32.const 0) (i32.const -1) (i32.const 0) (i32.const 0)))
    (call $expect_fault (call $fetch (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 70000) (i32.const 10)))
    ;; A valid head: status 200, no headers. Then a body from a wild pointer.
    (drop (call $response_head (i32.const 0) (i32.const 4)))
    (call $expect_fault (call $response_body_write (i32.const 65536) (i32.const 1)))
    (i32.const 0)))
