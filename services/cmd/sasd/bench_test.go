package main

import (
	"context"
	"io"
	"net/http"
	"testing"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
)

// BenchmarkGetTerritory compares one read through gRPC and through the REST
// gateway (which dials the in-memory gRPC listener), on the embedded store.
func BenchmarkGetTerritory(b *testing.B) {
	p := startBench(b)
	b.Run("grpc", func(b *testing.B) {
		client := accountsv1.NewTerritoryServiceClient(p.conn)
		req := &accountsv1.GetTerritoryRequest{Name: "territories/SAS-44"}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := client.GetTerritory(context.Background(), req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rest", func(b *testing.B) {
		url := p.rest + "/v1/territories/SAS-44"
		b.ReportAllocs()
		req, err := http.NewRequest("GET", url, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+p.token)
		for b.Loop() {
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
}
