// Package wasmpages is a self-hosted runtime for Pages-style sites: static
// assets plus functions compiled to WebAssembly. See README.md; the node is
// package host, the guest SDK package sdk, the contract package abi.
package wasmpages
