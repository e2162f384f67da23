package wat

// immKind is the kind of immediate operand an instruction takes.
type immKind uint8

const (
	immNone    immKind = iota
	immLabel           // br, br_if: a label
	immBrTable         // br_table: labels, the last being the default
	immFunc            // call: a function index
	immLocal           // local.*: a local index
	immGlobal          // global.*: a global index
	immMemarg          // loads and stores: offset=N? align=N?
	immMemory          // memory.size, memory.grow: an optional memory index (0)
	immI32
	immI64
	immF32
	immF64
)

// Control opcodes that the body compiler emits itself.
const (
	opBlock byte = 0x02
	opLoop  byte = 0x03
	opIf    byte = 0x04
	opElse  byte = 0x05
	opEnd   byte = 0x0B
)

// opInfo describes how to encode a plain (non-block) instruction.
type opInfo struct {
	code  byte
	imm   immKind
	align uint8 // a memory access's natural alignment, as log2 of its width in bytes
}

// instructions maps each supported plain instruction to its encoding; see
// https://webassembly.github.io/spec/core/binary/instructions.html. It covers
// the MVP control, variable and memory instructions and all integer numeric
// instructions; float values are limited to constants. block, loop, if, else
// and end are handled by the body compiler.
var instructions = map[string]opInfo{
	"unreachable": {code: 0x00},
	"nop":         {code: 0x01},
	"br":          {code: 0x0C, imm: immLabel},
	"br_if":       {code: 0x0D, imm: immLabel},
	"br_table":    {code: 0x0E, imm: immBrTable},
	"return":      {code: 0x0F},
	"call":        {code: 0x10, imm: immFunc},
	"drop":        {code: 0x1A},
	"select":      {code: 0x1B},

	"local.get":  {code: 0x20, imm: immLocal},
	"local.set":  {code: 0x21, imm: immLocal},
	"local.tee":  {code: 0x22, imm: immLocal},
	"global.get": {code: 0x23, imm: immGlobal},
	"global.set": {code: 0x24, imm: immGlobal},

	"i32.load":     {code: 0x28, imm: immMemarg, align: 2},
	"i64.load":     {code: 0x29, imm: immMemarg, align: 3},
	"i32.load8_s":  {code: 0x2C, imm: immMemarg, align: 0},
	"i32.load8_u":  {code: 0x2D, imm: immMemarg, align: 0},
	"i32.load16_s": {code: 0x2E, imm: immMemarg, align: 1},
	"i32.load16_u": {code: 0x2F, imm: immMemarg, align: 1},
	"i64.load8_s":  {code: 0x30, imm: immMemarg, align: 0},
	"i64.load8_u":  {code: 0x31, imm: immMemarg, align: 0},
	"i64.load16_s": {code: 0x32, imm: immMemarg, align: 1},
	"i64.load16_u": {code: 0x33, imm: immMemarg, align: 1},
	"i64.load32_s": {code: 0x34, imm: immMemarg, align: 2},
	"i64.load32_u": {code: 0x35, imm: immMemarg, align: 2},
	"i32.store":    {code: 0x36, imm: immMemarg, align: 2},
	"i64.store":    {code: 0x37, imm: immMemarg, align: 3},
	"i32.store8":   {code: 0x3A, imm: immMemarg, align: 0},
	"i32.store16":  {code: 0x3B, imm: immMemarg, align: 1},
	"i64.store8":   {code: 0x3C, imm: immMemarg, align: 0},
	"i64.store16":  {code: 0x3D, imm: immMemarg, align: 1},
	"i64.store32":  {code: 0x3E, imm: immMemarg, align: 2},
	"memory.size":  {code: 0x3F, imm: immMemory},
	"memory.grow":  {code: 0x40, imm: immMemory},

	"i32.const": {code: 0x41, imm: immI32},
	"i64.const": {code: 0x42, imm: immI64},
	"f32.const": {code: 0x43, imm: immF32},
	"f64.const": {code: 0x44, imm: immF64},

	"i32.eqz": {code: 0x45}, "i32.eq": {code: 0x46}, "i32.ne": {code: 0x47},
	"i32.lt_s": {code: 0x48}, "i32.lt_u": {code: 0x49}, "i32.gt_s": {code: 0x4A}, "i32.gt_u": {code: 0x4B},
	"i32.le_s": {code: 0x4C}, "i32.le_u": {code: 0x4D}, "i32.ge_s": {code: 0x4E}, "i32.ge_u": {code: 0x4F},

	"i64.eqz": {code: 0x50}, "i64.eq": {code: 0x51}, "i64.ne": {code: 0x52},
	"i64.lt_s": {code: 0x53}, "i64.lt_u": {code: 0x54}, "i64.gt_s": {code: 0x55}, "i64.gt_u": {code: 0x56},
	"i64.le_s": {code: 0x57}, "i64.le_u": {code: 0x58}, "i64.ge_s": {code: 0x59}, "i64.ge_u": {code: 0x5A},

	"i32.clz": {code: 0x67}, "i32.ctz": {code: 0x68}, "i32.popcnt": {code: 0x69},
	"i32.add": {code: 0x6A}, "i32.sub": {code: 0x6B}, "i32.mul": {code: 0x6C},
	"i32.div_s": {code: 0x6D}, "i32.div_u": {code: 0x6E}, "i32.rem_s": {code: 0x6F}, "i32.rem_u": {code: 0x70},
	"i32.and": {code: 0x71}, "i32.or": {code: 0x72}, "i32.xor": {code: 0x73},
	"i32.shl": {code: 0x74}, "i32.shr_s": {code: 0x75}, "i32.shr_u": {code: 0x76},
	"i32.rotl": {code: 0x77}, "i32.rotr": {code: 0x78},

	"i64.clz": {code: 0x79}, "i64.ctz": {code: 0x7A}, "i64.popcnt": {code: 0x7B},
	"i64.add": {code: 0x7C}, "i64.sub": {code: 0x7D}, "i64.mul": {code: 0x7E},
	"i64.div_s": {code: 0x7F}, "i64.div_u": {code: 0x80}, "i64.rem_s": {code: 0x81}, "i64.rem_u": {code: 0x82},
	"i64.and": {code: 0x83}, "i64.or": {code: 0x84}, "i64.xor": {code: 0x85},
	"i64.shl": {code: 0x86}, "i64.shr_s": {code: 0x87}, "i64.shr_u": {code: 0x88},
	"i64.rotl": {code: 0x89}, "i64.rotr": {code: 0x8A},

	"i32.wrap_i64":     {code: 0xA7},
	"i64.extend_i32_s": {code: 0xAC},
	"i64.extend_i32_u": {code: 0xAD},
}

// constInstruction reports whether an instruction may appear in a constant
// expression (a global initialiser or a data segment offset).
func constInstruction(name string) bool {
	switch name {
	case "i32.const", "i64.const", "f32.const", "f64.const", "global.get":
		return true
	}
	return false
}
