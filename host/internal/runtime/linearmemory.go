//go:build unix

package runtime

import (
	"os"
	"syscall"

	"github.com/tetratelabs/wazero/experimental"
)

// memoryAllocator gives every instance a linear memory of its own mapping:
// the maximum is reserved as address space once (PROT_NONE, no swap
// reserved), and pages become readable and writable as the memory grows.
//
// A Go slice of the maximum capacity (wazero's WithMemoryCapacityFromMax)
// avoids the copies of growth too, but once the heap has freed such a span
// (an instance discarded, a deployment replaced) Go reuses it and zeroes
// all of it first: 128 MiB cleared and made resident, ~0.45 s per new
// instance on these machines. A fresh mapping is zero without a clear, its
// address never moves, and Free gives it back to the OS at once.
var memoryAllocator experimental.MemoryAllocator = experimental.MemoryAllocatorFunc(newMappedMemory)

// mappedMemory is one instance's linear memory.
type mappedMemory struct {
	buf       []byte // the whole reservation
	committed int    // the prefix made readable and writable
}

func newMappedMemory(capacity, max uint64) experimental.LinearMemory {
	size := max
	if size < capacity {
		size = capacity
	}
	buf, err := syscall.Mmap(-1, 0, roundPage(int(size)), syscall.PROT_NONE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		// Out of address space: a memory that cannot grow, which the
		// guest sees as a failed memory.grow, not a host crash.
		return &mappedMemory{}
	}
	return &mappedMemory{buf: buf}
}

// Reallocate makes the first size bytes usable; it returns nil past the
// reservation, which fails the guest's memory.grow.
func (m *mappedMemory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.buf)) {
		return nil
	}
	if n := roundPage(int(size)); n > m.committed {
		if err := syscall.Mprotect(m.buf[m.committed:n], syscall.PROT_READ|syscall.PROT_WRITE); err != nil {
			return nil
		}
		m.committed = n
	}
	return m.buf[:size:size]
}

// Free unmaps the memory; wazero calls it when the instance is closed.
func (m *mappedMemory) Free() {
	if m.buf != nil {
		syscall.Munmap(m.buf)
		m.buf, m.committed = nil, 0
	}
}

var pageSize = os.Getpagesize()

func roundPage(n int) int { return (n + pageSize - 1) &^ (pageSize - 1) }
