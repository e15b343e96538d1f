package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/server"
)

// Run the decision service on a loopback port, assess a referral through
// it as an agency system would, and shut it down.
func ExampleServer_Serve() {
	tokens, err := server.ParseTokens("tokens.yaml", []byte(`tokens:
  - name: example-case-system
    role: referrer
    sha256: `+server.HashToken("example-token")+"\n"))
	if err != nil {
		panic(err)
	}
	srv, err := server.New(server.Config{
		Pack:        pathway.Default(),
		Tokens:      tokens,
		DecisionLog: server.NewDecisionLog(io.Discard), // in production: server.OpenDecisionLog(path)
		Logger:      slog.New(slog.DiscardHandler),
	})
	if err != nil {
		panic(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	ctx, shutdown := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()

	data, err := os.ReadFile("../examples/referrals/hr-eligible.json")
	if err != nil {
		panic(err)
	}
	req, err := http.NewRequest("POST", "http://"+ln.Addr().String()+"/v1/assess", bytes.NewReader(data))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Authorization", "Bearer example-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	var a pathway.Assessment
	err = json.NewDecoder(resp.Body).Decode(&a)
	resp.Body.Close()
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.StatusCode, a.Decision, a.ProgrammeIDs(), resp.Header.Get("X-Decision-Id") != "")

	shutdown() // as on SIGTERM: the requests in flight are answered first
	fmt.Println(<-done)
	// Output:
	// 200 eligible [healthy-relationships da-groupwork] true
	// <nil>
}
