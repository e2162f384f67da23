package netem_test

import (
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/wasmpages/wasmpages/internal/netem"
)

// A region and a database 80ms apart: an HTTP client in the region reaches
// a server at the database through the emulated link.
func ExampleNet() {
	n, err := netem.New(map[[2]string]time.Duration{{"eu-west", "db"}: 80 * time.Millisecond})
	if err != nil {
		log.Fatal(err)
	}
	l, err := n.Listen("db")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})}
	go srv.Serve(l)
	defer srv.Close()

	tr := &http.Transport{DialContext: n.Dialer("eu-west")}
	defer tr.CloseIdleConnections()
	start := time.Now()
	resp, err := (&http.Client{Transport: tr}).Get("http://" + l.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	// A connect and a request: two round trips.
	fmt.Println(resp.Status, time.Since(start) >= 160*time.Millisecond)
	// Output: 200 OK true
}

func ExampleParseSim() {
	sim, err := netem.ParseSim("sim.toml", []byte(`
regions = ["us-east", "eu-west"]
[rtt]
"us-east eu-west" = "80ms"
"us-east db" = "1ms"
"eu-west db" = "80ms"
[[backend]]
name = "db"
url = "http://127.0.0.1:5432"
[[client]]
name = "user-eu"
near = "eu-west"
`))
	if err != nil {
		log.Fatal(err)
	}
	n, err := sim.Net()
	if err != nil {
		log.Fatal(err)
	}
	for _, to := range sim.Regions {
		rtt, _ := n.RTT("user-eu", to)
		fmt.Println("user-eu to", to, rtt)
	}
	place, _ := n.Place("127.0.0.1:5432")
	fmt.Println("127.0.0.1:5432 is", place)
	// Output:
	// user-eu to us-east 80ms
	// user-eu to eu-west 5ms
	// 127.0.0.1:5432 is db
}
