package config_test

import (
	"fmt"

	"github.com/wasmpages/wasmpages/host/internal/config"
)

func ExampleParse() {
	_, err := config.Parse("pages.toml", []byte(`name = "shop"
pages_build_output_dir = "public"

[placement]
mode = "off"
hint = "us-east"

[limits]
memory = "100MB"
timeout = 30

[[kv_namespaces]]
binding = "CART"
`))
	fmt.Println(err)
	// Output:
	// pages.toml:6: placement.hint: needs mode = "smart", not "off"
	// pages.toml:9: limits.memory: 100MB is not a multiple of 64KiB, the WebAssembly page size
	// pages.toml:10: limits.timeout: must be a duration string such as "30s", not an integer (30)
	// pages.toml:12: kv_namespaces: is a Cloudflare binding, which wasmpages does not support: remove it and reach the service over HTTP from the function
}

func ExamplePlacement_Normalized() {
	p := config.Placement{Mode: "off", Hint: "us-east"}
	fmt.Printf("%+v\n", p.Normalized())
	p = config.Placement{Host: "db.internal:5432"}
	fmt.Printf("%+v\n", p.Normalized())
	// Output:
	// {Mode:smart Hint:us-east Region: Host: Hostname:}
	// {Mode:targeted Hint: Region: Host:db.internal:5432 Hostname:}
}
