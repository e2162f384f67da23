package wat

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
)

// opCase runs one instruction on its operands: body is the function body,
// with $a and $b standing for the parameters.
type opCase struct {
	body   string
	params string // e.g. "i32 i32"
	result string
	args   []uint64
	want   uint64
}

func binop(op, typ string, a, b, want uint64) opCase {
	result := typ
	switch op[4:] {
	case "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u":
		result = "i32" // comparisons yield a boolean i32
	}
	return opCase{fmt.Sprintf("(%s (local.get 0) (local.get 1))", op), typ + " " + typ, result, []uint64{a, b}, want}
}

func unop(op, typ, result string, a, want uint64) opCase {
	return opCase{fmt.Sprintf("(%s (local.get 0))", op), typ, result, []uint64{a}, want}
}

func load(op, result string, addr, want uint64) opCase {
	return opCase{fmt.Sprintf("(%s (local.get 0))", op), "i32", result, []uint64{addr}, want}
}

// storeLoad stores $b at address $a with op and reads back the 8 bytes there.
func storeLoad(op, typ string, addr, val, want uint64) opCase {
	return opCase{fmt.Sprintf("(%s (local.get 0) (local.get 1)) (i64.load (local.get 0))", op), "i32 " + typ, "i64", []uint64{addr, val}, want}
}

var neg = func(v int64) uint64 { return uint64(v) }

// opCases checks every numeric and memory instruction against a known result,
// so a wrong opcode in the table cannot pass.
var opCases = []opCase{
	binop("i32.add", "i32", 2, 3, 5), binop("i32.sub", "i32", 2, 3, 0xFFFFFFFF),
	binop("i32.mul", "i32", 6, 7, 42), binop("i32.div_s", "i32", i32v(-7), 2, i32v(-3)),
	binop("i32.div_u", "i32", i32v(-7), 2, 0x7FFFFFFC), binop("i32.rem_s", "i32", i32v(-7), 2, i32v(-1)),
	binop("i32.rem_u", "i32", 7, 3, 1), binop("i32.and", "i32", 12, 10, 8), binop("i32.or", "i32", 12, 10, 14),
	binop("i32.xor", "i32", 12, 10, 6), binop("i32.shl", "i32", 1, 31, 0x80000000),
	binop("i32.shr_s", "i32", 0x80000000, 4, 0xF8000000), binop("i32.shr_u", "i32", 0x80000000, 4, 0x08000000),
	binop("i32.rotl", "i32", 0x80000001, 1, 3), binop("i32.rotr", "i32", 3, 1, 0x80000001),
	binop("i32.eq", "i32", 3, 3, 1), binop("i32.ne", "i32", 3, 3, 0),
	binop("i32.lt_s", "i32", i32v(-1), 0, 1), binop("i32.lt_u", "i32", i32v(-1), 0, 0),
	binop("i32.gt_s", "i32", i32v(-1), 0, 0), binop("i32.gt_u", "i32", i32v(-1), 0, 1),
	binop("i32.le_s", "i32", 2, 2, 1), binop("i32.le_u", "i32", 3, 2, 0),
	binop("i32.ge_s", "i32", i32v(-5), i32v(-5), 1), binop("i32.ge_u", "i32", 0, 1, 0),
	unop("i32.eqz", "i32", "i32", 0, 1), unop("i32.clz", "i32", "i32", 1, 31),
	unop("i32.ctz", "i32", "i32", 8, 3), unop("i32.popcnt", "i32", "i32", 0xFF, 8),

	binop("i64.add", "i64", 1<<40, 1, 1<<40+1), binop("i64.sub", "i64", 2, 3, math.MaxUint64),
	binop("i64.mul", "i64", 1<<32, 1<<31, 1<<63), binop("i64.div_s", "i64", neg(-7), 2, neg(-3)),
	binop("i64.div_u", "i64", neg(-8), 2, math.MaxUint64>>1&^3), binop("i64.rem_s", "i64", neg(-7), 2, neg(-1)),
	binop("i64.rem_u", "i64", 7, 3, 1), binop("i64.and", "i64", 12, 10, 8), binop("i64.or", "i64", 12, 10, 14),
	binop("i64.xor", "i64", 12, 10, 6), binop("i64.shl", "i64", 1, 63, 1<<63),
	binop("i64.shr_s", "i64", 1<<63, 60, neg(-8)), binop("i64.shr_u", "i64", 1<<63, 60, 8),
	binop("i64.rotl", "i64", 1<<63|1, 1, 3), binop("i64.rotr", "i64", 3, 1, 1<<63|1),
	binop("i64.eq", "i64", 1<<40, 1<<40, 1), binop("i64.ne", "i64", 1<<40, 1<<40, 0),
	binop("i64.lt_s", "i64", neg(-1), 0, 1), binop("i64.lt_u", "i64", neg(-1), 0, 0),
	binop("i64.gt_s", "i64", neg(-1), 0, 0), binop("i64.gt_u", "i64", neg(-1), 0, 1),
	binop("i64.le_s", "i64", 2, 2, 1), binop("i64.le_u", "i64", 3, 2, 0),
	binop("i64.ge_s", "i64", neg(-5), neg(-5), 1), binop("i64.ge_u", "i64", 0, 1, 0),
	unop("i64.eqz", "i64", "i32", 1<<40, 0), unop("i64.clz", "i64", "i64", 1, 63),
	unop("i64.ctz", "i64", "i64", 1<<40, 40), unop("i64.popcnt", "i64", "i64", math.MaxUint64, 64),

	unop("i32.wrap_i64", "i64", "i32", 1<<32|5, 5),
	unop("i64.extend_i32_s", "i32", "i64", 0xFFFFFFFF, math.MaxUint64),
	unop("i64.extend_i32_u", "i32", "i64", 0xFFFFFFFF, 0xFFFFFFFF),

	// Memory holds 80 ff ff ff 01 02 03 04 from address 0.
	load("i32.load8_s", "i32", 0, i32v(-128)), load("i32.load8_u", "i32", 0, 0x80),
	load("i32.load16_s", "i32", 0, i32v(-128)), load("i32.load16_u", "i32", 0, 0xFF80),
	load("i32.load", "i32", 0, 0xFFFFFF80), load("i32.load offset=4 align=2", "i32", 0, 0x04030201),
	load("i64.load8_s", "i64", 0, neg(-128)), load("i64.load8_u", "i64", 0, 0x80),
	load("i64.load16_s", "i64", 0, neg(-128)), load("i64.load16_u", "i64", 0, 0xFF80),
	load("i64.load32_s", "i64", 0, neg(-128)), load("i64.load32_u", "i64", 0, 0xFFFFFF80),
	load("i64.load", "i64", 0, 0x04030201FFFFFF80), load("i64.load align=1", "i64", 1, 0x0004030201FFFFFF),
	storeLoad("i32.store", "i32", 64, 0x12345678, 0x12345678), storeLoad("i32.store8", "i32", 72, 0x1234, 0x34),
	storeLoad("i32.store16", "i32", 80, 0x123456, 0x3456), storeLoad("i64.store", "i64", 88, 1<<63|5, 1<<63|5),
	storeLoad("i64.store8", "i64", 96, 0x1234, 0x34), storeLoad("i64.store16", "i64", 104, 0x123456, 0x3456),
	storeLoad("i64.store32", "i64", 112, 0x123456789A, 0x3456789A),
	{"(memory.size)", "", "i32", nil, 1},
	{"(memory.grow 0 (i32.const 0))", "", "i32", nil, 1},
	{"(memory.grow $mem (i32.const 0))", "", "i32", nil, 1},
}

// opModule renders all opCases as one module, exporting case i as "case<i>".
func opModule() string {
	var b strings.Builder
	b.WriteString("(module (memory $mem 1) (data (i32.const 0) \"\\80\\ff\\ff\\ff\\01\\02\\03\\04\")\n")
	for i, c := range opCases {
		fmt.Fprintf(&b, "  (func (export \"case%d\") (param %s) (result %s) %s)\n", i, c.params, c.result, c.body)
	}
	b.WriteString(")")
	return b.String()
}

func TestInstructions(t *testing.T) {
	bin, err := Compile([]byte(opModule()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	mod, err := r.Instantiate(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range opCases {
		t.Run(fmt.Sprintf("%d %s", i, c.body), func(t *testing.T) {
			fn := mod.ExportedFunction(fmt.Sprintf("case%d", i))
			got, err := fn.Call(ctx, c.args...)
			if err != nil {
				t.Fatal(err)
			}
			got = lowBits(fn.Definition().ResultTypes(), got)
			if got[0] != c.want {
				t.Errorf("%s on %#x = %#x, want %#x", c.body, c.args, got[0], c.want)
			}
		})
	}
}

// TestInstructionTableCovered makes sure every plain instruction in the table
// is exercised by opCases or the run cases.
func TestInstructionTableCovered(t *testing.T) {
	var all strings.Builder
	all.WriteString(opModule())
	for _, c := range runCases {
		all.WriteString(c.src)
	}
	text := all.String()
	for name := range instructions {
		if !strings.Contains(text, "("+name+" ") && !strings.Contains(text, name+"\n") &&
			!strings.Contains(text, name+")") && !strings.Contains(text, " "+name+" ") {
			t.Errorf("instruction %s is not exercised by any test", name)
		}
	}
}
