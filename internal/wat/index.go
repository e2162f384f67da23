package wat

import "math"

// bindID records identifier id for index idx in ids, rejecting duplicates.
func bindID(ids map[string]uint32, id string, p pos, idx int, what string) error {
	if id == "" {
		return nil
	}
	if _, dup := ids[id]; dup {
		return errorf(p, "duplicate %s %s", what, id)
	}
	ids[id] = uint32(idx)
	return nil
}

// ref reads an index, by identifier or number, into a space of count entries.
func ref(c *cursor, ids map[string]uint32, count int, what string) (uint32, error) {
	n := c.peek()
	if n == nil || !n.isAtom() {
		return 0, c.expected(what + " index or $name")
	}
	c.next()
	if n.atom[0] == '$' {
		idx, ok := ids[n.atom]
		if !ok {
			return 0, errorf(n.pos, "unknown %s %s", what, n.atom)
		}
		return idx, nil
	}
	v, ok := parseNat(n.atom, math.MaxUint32)
	if !ok {
		return 0, errorf(n.pos, "expected %s index or $name, got %s", what, n.describe())
	}
	if v >= uint64(count) {
		return 0, errorf(n.pos, "%s index %d out of range (%d defined)", what, v, count)
	}
	return uint32(v), nil
}

// nat reads an unsigned integer literal no larger than max.
func nat(c *cursor, what string, max uint64) (uint64, error) {
	n := c.peek()
	if n == nil || !n.isAtom() {
		return 0, c.expected(what)
	}
	v, ok := parseNat(n.atom, math.MaxUint64)
	if !ok {
		return 0, errorf(n.pos, "expected %s, got %s", what, n.describe())
	}
	if v > max {
		return 0, errorf(n.pos, "%s %d exceeds the limit of %d", what, v, max)
	}
	c.next()
	return v, nil
}
