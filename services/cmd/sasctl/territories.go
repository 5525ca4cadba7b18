package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
)

func territories(ctx context.Context, addr string, args []string, getenv func(string) string, out io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("territories: want list or get\n\n%s", usage)
	}
	conn, err := dial(addr, getenv)
	if err != nil {
		return err
	}
	defer conn.Close()
	client := accountsv1.NewTerritoryServiceClient(conn)
	switch args[0] {
	case "list":
		return listTerritories(ctx, client, args[1:], out)
	case "get":
		if len(args) != 2 {
			return fmt.Errorf("territories get: want one territory id, e.g. SAS-44")
		}
		t, err := client.GetTerritory(ctx, &accountsv1.GetTerritoryRequest{Name: "territories/" + args[1]})
		if err != nil {
			return err
		}
		return printTerritories(out, []*commonv1.Territory{t})
	}
	return fmt.Errorf("territories: unknown command %q", args[0])
}

func listTerritories(ctx context.Context, client accountsv1.TerritoryServiceClient, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("territories list", flag.ContinueOnError)
	filter := fs.String("filter", "", `AIP-160 filter, e.g. region = "regions/52"`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	var all []*commonv1.Territory
	req := &accountsv1.ListTerritoriesRequest{Filter: *filter, PageSize: 500}
	for {
		resp, err := client.ListTerritories(ctx, req)
		if err != nil {
			return err
		}
		all = append(all, resp.Territories...)
		if req.PageToken = resp.NextPageToken; req.PageToken == "" {
			return printTerritories(out, all)
		}
	}
}

func printTerritories(out io.Writer, list []*commonv1.Territory) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tDISPLAY NAME\tREGION\tRADIUS (km)\tSTEP (km)\tACTIVE")
	for _, t := range list {
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%v\n", t.Name, t.DisplayName, t.Region,
			t.DefaultRadiusMeters/1000, t.RadiusStepMeters/1000, t.Active)
	}
	return w.Flush()
}
