package wat

import (
	"errors"
	"testing"
)

// errorCases must fail with exactly this message, position included.
var errorCases = []struct {
	name string
	src  string
	want string
}{
	{"empty source", "", "line 1:1: expected (module ...), got )"},
	{"float arithmetic", "(module (func (result f32)\n  (f32.add (f32.const 1) (f32.const 2))))",
		"line 2:4: unsupported instruction f32.add"},
	{"flat unknown instruction", "(module (func\n  nop\n    i32.bogus))", "line 3:5: unsupported instruction i32.bogus"},
	{"stray number in body", "(module (func 42))", "line 1:15: expected instruction, got \"42\""},
	{"unexpected character", "(module {)", "line 1:9: unexpected character '{'"},
	{"unterminated string", "(module (export \"x", "line 1:17: unterminated string"},
	{"newline in string", "(module (export \"a\nb\"))", "line 1:19: newline in string (use \\n)"},
	{"invalid escape", `(module (memory 1) (data (i32.const 0) "\q"))`, "line 1:41: invalid escape sequence in string"},
	{"short hex escape", `(module (memory 1) (data (i32.const 0) "\4"))`, "line 1:41: expected two hex digits after \\"},
	{"string glued to atom", `(module (export "a"b))`, "line 1:20: expected space or parenthesis after string"},
	{"unterminated block comment", "(module (; never closed", "line 1:9: unterminated block comment"},
	{"unclosed parenthesis", "(module\n  (func", "line 2:3: unclosed parenthesis"},
	{"extra close", "(module))", "line 1:9: unexpected )"},
	{"two modules", "(module) (module)", "line 1:10: expected ), got (module ...)"},
	{"unknown field", "(module (tabel 1))", "line 1:9: expected module field (type, import, func, memory, global, export, start or data), got (tabel ...)"},
	{"table unsupported", "(module (table 1 funcref))", "line 1:9: unsupported module field (table ...)"},
	{"unknown label", "(module (func (block (br $nope))))", "line 1:26: unknown label $nope"},
	{"label depth", "(module (func (block (br 2))))", "line 1:26: label depth 2 out of range (2 enclosing blocks)"},
	{"unknown function", "(module (func (call $missing)))", "line 1:21: unknown function $missing"},
	{"function index", "(module (func call 1))", "line 1:20: function index 1 out of range (1 defined)"},
	{"unknown local", "(module (func (param $a i32) (drop (local.get $b))))", "line 1:47: unknown local $b"},
	{"local index", "(module (func (local.get 0)))", "line 1:26: local index 0 out of range (0 defined)"},
	{"duplicate function", "(module (func $f) (func $f))", "line 1:25: duplicate function $f"},
	{"duplicate local", "(module (func (param $x i32) (local $x i32)))", "line 1:37: duplicate local $x"},
	{"duplicate export", "(module (func (export \"f\")) (func (export \"f\")))", "line 1:35: duplicate export name \"f\""},
	{"i32 too large", "(module (func (drop (i32.const 0x1_0000_0000))))", "line 1:32: invalid or out-of-range i32 literal \"0x1_0000_0000\""},
	{"i32 too small", "(module (func (drop (i32.const -2147483649))))", "line 1:32: invalid or out-of-range i32 literal \"-2147483649\""},
	{"i64 too large", "(module (func (drop (i64.const 18446744073709551616))))", "line 1:32: invalid or out-of-range i64 literal \"18446744073709551616\""},
	{"bad underscore", "(module (func (drop (i32.const 1__0))))", "line 1:32: invalid or out-of-range i32 literal \"1__0\""},
	{"f32 out of range", "(module (func (drop (f32.const 1e39))))", "line 1:32: invalid or out-of-range f32 literal \"1e39\""},
	{"missing literal", "(module (func (drop (i32.const))))", "line 1:31: expected i32 literal, got )"},
	{"end without block", "(module (func end))", "line 1:15: end without matching block, loop or if"},
	{"else without if", "(module (func block else end))", "line 1:21: else without matching if"},
	{"missing end", "(module (func\n  block\n  nop))", "line 2:3: block has no matching end"},
	{"end label mismatch", "(module (func block $a end $b))", "line 1:28: label $b does not match the block's label \"$a\""},
	{"flat block left open in folded", "(module (func (block\n  loop nop)))", "line 2:3: loop has no matching end"},
	{"flat block left open in then", "(module (func (if (i32.const 1) (then block) (else))))", "line 1:39: block has no matching end"},
	{"end inside folded block", "(module (func (block end)))", "line 1:22: end without matching block, loop or if"},
	{"missing then", "(module (func (if (i32.const 1) (nop))))", "line 1:38: expected (then ...), got )"},
	{"else before then", "(module (func (if (i32.const 1) (else))))", "line 1:33: expected folded condition or (then ...), got (else ...)"},
	{"flat operand in folded", "(module (func (drop nop)))", "line 1:21: expected folded operand or ), got \"nop\""},
	{"block params", "(module (func (block (param i32))))", "line 1:22: unsupported block type (param ...): use at most one (result T)"},
	{"multi-value block", "(module (func (block (result i32 i32))))", "line 1:22: unsupported block type with 2 results: use at most one (result T)"},
	{"data without memory", "(module (data (i32.const 0) \"x\"))", "line 1:15: data segment needs a (memory ...) field"},
	{"passive data", "(module (memory 1) (data \"x\"))", "line 1:26: expected data offset such as (i32.const 0) (passive data segments are not supported)"},
	{"load without memory", "(module (func (drop (i32.load (i32.const 0)))))", "line 1:22: i32.load needs a (memory ...) field"},
	{"memory.grow without memory", "(module (func (drop (memory.grow (i32.const 1)))))", "line 1:22: memory.grow needs a (memory ...) field"},
	{"memory max below min", "(module (memory 2 1))", "line 1:19: memory maximum 1 is less than minimum 2"},
	{"memory too large", "(module (memory 65537))", "line 1:17: memory minimum in pages 65537 exceeds the limit of 65536"},
	{"two memories", "(module (memory 1) (memory 1))", "line 1:20: multiple memories are not supported"},
	{"align not power of two", "(module (memory 1) (func (drop (i32.load align=3 (i32.const 0)))))", "line 1:42: expected align=N with N a power of two, got \"align=3\""},
	{"align above natural", "(module (memory 1) (func (drop (i32.load8_u align=2 (i32.const 0)))))", "line 1:45: alignment 2 exceeds the natural alignment 1"},
	{"offset too large", "(module (memory 1) (func (drop (i32.load offset=0x100000000 (i32.const 0)))))", "line 1:42: expected offset=N with N below 2^32, got \"offset=0x100000000\""},
	{"import after definition", "(module (func) (import \"m\" \"f\" (func)))", "line 1:16: imports must come before function, memory and global definitions"},
	{"memory import", "(module (import \"m\" \"mem\" (memory 1)))", "line 1:27: unsupported import kind memory: only functions can be imported"},
	{"type mismatch", "(module (type $t (func (param i32))) (func (type $t) (param i64)))", "line 1:50: inline (param ...) and (result ...) do not match type 0"},
	{"unknown type", "(module (func (type $t)))", "line 1:21: unknown type $t"},
	{"param after result", "(module (func (result i32) (param i32) i32.const 0))", "line 1:28: (param ...) must come before (result ...)"},
	{"local before param", "(module (func (local i32) (param i32)))", "line 1:27: (param ...) must come before (local ...) and the body"},
	{"bad value type", "(module (func (param i33)))", "line 1:22: expected value type (i32, i64, f32 or f64), got \"i33\""},
	{"v128", "(module (func (param v128)))", "line 1:22: unsupported value type v128"},
	{"non-constant global", "(module (global i32 (i32.add (i32.const 1) (i32.const 2))))", "line 1:22: i32.add is not allowed in a constant expression"},
	{"empty global", "(module (global i32))", "line 1:20: expected constant expression such as (i32.const 0), got )"},
	{"two starts", "(module (func $f) (start $f) (start $f))", "line 1:30: multiple start functions"},
	{"export table", "(module (export \"t\" (table 0)))", "line 1:21: unsupported export kind table"},
	{"export unknown global", "(module (export \"g\" (global $g)))", "line 1:29: unknown global $g"},
	{"export name not UTF-8", `(module (func (export "\ff")))`, "line 1:23: export name is not valid UTF-8"},
	{"then outside if", "(module (func (then)))", "line 1:15: unexpected (then ...)"},
	{"local after body", "(module (func nop (local i32)))", "line 1:19: unexpected (local ...)"},
	{"typed select", "(module (func (drop (select (result i32) (i32.const 1) (i32.const 2) (i32.const 0)))))", "line 1:29: unexpected (result ...)"},
	{"unknown in constant", "(module (global i32 (foo)))", "line 1:22: unsupported instruction foo"},
	{"block in constant", "(module (global i32 (block)))", "line 1:22: block is not allowed in a constant expression"},
	{"type without func", "(module (type $t (param i32)))", "line 1:18: expected (func ...), got (param ...)"},
	{"import without name", "(module (import \"m\" (func)))", "line 1:21: expected import name string, got (func ...)"},
	{"inline import after definition", "(module (func) (func (import \"m\" \"f\")))", "line 1:16: imports must come before function, memory and global definitions"},
	{"global import", "(module (global $g (import \"m\" \"g\") i32))", "line 1:20: unsupported global import: only functions can be imported"},
	{"memory inline data", "(module (memory (data \"x\")))", "line 1:17: unsupported (data ...) in memory: import or data must be separate fields"},
	{"mut without type", "(module (global (mut) (i32.const 0)))", "line 1:21: expected value type (i32, i64, f32 or f64), got )"},
	{"export without kind", "(module (export \"x\"))", "line 1:20: expected export description such as (func $f), got )"},
	{"data memory index", "(module (memory 1) (data (memory 1) (i32.const 0)))", "line 1:34: memory index 1 out of range (1 defined)"},
	{"empty folded", "(module (func ()))", "line 1:15: expected instruction, got a list"},
}

func TestCompileErrors(t *testing.T) {
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			bin, err := Compile([]byte(tc.src))
			if err == nil {
				t.Fatalf("Compile succeeded with %x, want error %q", bin, tc.want)
			}
			if bin != nil {
				t.Errorf("Compile returned output alongside its error")
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("error %T is not an *Error", err)
			}
			if err.Error() != tc.want {
				t.Errorf("error:\n got %s\nwant %s", err, tc.want)
			}
		})
	}
}
