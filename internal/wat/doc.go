// Package wat assembles a subset of the WebAssembly text format (WAT) into
// the binary format, so that tests can keep small hostile guests as
// testdata/*.wat and build them with nothing but Go.
//
// The output follows the WebAssembly 1.0 binary encoding
// (https://webassembly.github.io/spec/core/binary/) and is meant to be loaded
// by wazero. Supported:
//
//   - (module $name? field*), or a bare sequence of fields.
//   - (type $t (func (param ...)* (result ...)*)).
//   - (import "mod" "name" (func $f typeuse)), and the inline form
//     (func $f (import "mod" "name") typeuse). Imports precede definitions.
//   - (func $f (export "name")* typeuse (local ...)* instr*), where typeuse is
//     (type $t)? (param $p T)* (param T*)* (result T*)*; signatures without
//     (type) are added to the type section, reusing an equal one.
//   - One (memory $m? (export "name")* min max?).
//   - (global $g (export "name")* T|(mut T) constexpr).
//   - (export "name" (func|memory|global x)), (start x).
//   - Active data segments: (data $d? (memory x)? (offset constexpr)|(instr) "bytes"*),
//     with string escapes \t \n \r \" \' \\ \hh \u{hex}.
//   - Value types i32, i64, f32, f64; $identifiers or numbers for every index
//     and label; comments ;; ... and nested (; ... ;).
//   - Instructions in flat and folded form, including block, loop and if with
//     no result or one (result T), labels, and folded (if (then) (else)):
//     unreachable nop block loop if else end br br_if br_table return call
//     drop select; local.get/set/tee, global.get/set; every integer load and
//     store with offset=N align=N; memory.size memory.grow; i32/i64/f32/f64
//     .const; every i32 and i64 test, comparison and arithmetic instruction;
//     i32.wrap_i64, i64.extend_i32_s, i64.extend_i32_u.
//   - Integer literals in decimal or 0x hex with _ separators, signed or up to
//     the unsigned maximum (i32.const 0xFFFFFFFF is -1); float literals in
//     decimal or hex notation, inf, nan and nan:0x payloads.
//
// Anything else (tables, call_indirect, float arithmetic, multi-value blocks,
// passive data, memory or global imports, bulk memory, SIMD) is rejected with
// an *Error naming the line and column, never encoded approximately.
//
// The assembler checks syntax, names, index ranges, labels, literal ranges
// and block nesting, but not operand types: wazero's validator reports those
// when the module is compiled. A "name" custom section carries the module and
// function $identifiers, so wazero's stack traces show them.
package wat
