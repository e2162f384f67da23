;; A hostile guest for runtime_hostile_test.go, compiled there with internal/wat
;; (wat.MustCompileFile); no other build step.
;; A WASI command (_start), not a reactor.
(module
  (memory (export "memory") 1)
  (func (export "_start"))
  (func (export "wasmpages_abi_version") (result i32) (i32.const 1))
  (func (export "wasmpages_handle") (result i32) (i32.const 0)))
