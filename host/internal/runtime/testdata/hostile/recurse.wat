;; A hostile guest for interrupt_test.go: a call tree of 2^60 calls and not
;; a single loop, so only the checkpoints at function entries can stop it.
(module
  (func $tree (param $depth i32)
    (if (i32.eqz (local.get $depth)) (then return))
    (call $tree (i32.sub (local.get $depth) (i32.const 1)))
    (call $tree (i32.sub (local.get $depth) (i32.const 1))))
  (memory (export "memory") 1)
  (func (export "_initialize"))
  (func (export "wasmpages_abi_version") (result i32) (i32.const 1))
  (func (export "wasmpages_handle") (result i32)
    (call $tree (i32.const 60))
    (i32.const 0)))
