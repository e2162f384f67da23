//go:build !unix

package runtime

import "github.com/tetratelabs/wazero/experimental"

// memoryAllocator is nil where mmap is not available: wazero allocates
// linear memories as Go slices.
var memoryAllocator experimental.MemoryAllocator
