;; A hostile guest for runtime_hostile_test.go, compiled there with internal/wat
;; (wat.MustCompileFile); no other build step.
;; Claims ABI version 2.
(module
  (memory (export "memory") 1)
  (func (export "_initialize"))
  (func (export "wasmpages_abi_version") (result i32) (i32.const 2))
  (func (export "wasmpages_handle") (result i32) (i32.const 0)))
