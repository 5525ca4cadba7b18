package account

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/platform/policy"
)

// ExportAccountData implements accountsv1.AccountServiceServer (right of
// access): the holder exports its own account ("accounts/me"), an admin an
// account it manages. Data holds "delegations_given" and
// "delegations_received", and what Extra adds.
func (s *Server) ExportAccountData(ctx context.Context, req *accountsv1.ExportAccountDataRequest) (*accountsv1.ExportAccountDataResponse, error) {
	p := policy.Caller(ctx)
	n, err := parseName(p, "name", req.GetName())
	if err != nil {
		return nil, err
	}
	var a *accountsv1.Account
	if n.self {
		a, err = s.visible(ctx, n)
	} else {
		a, err = s.managed(ctx, n)
	}
	if err != nil {
		return nil, err
	}
	data, err := s.exportData(ctx, a)
	if err != nil {
		return nil, err
	}
	return &accountsv1.ExportAccountDataResponse{Account: a, Data: data}, nil
}

func (s *Server) exportData(ctx context.Context, a *accountsv1.Account) (*structpb.Struct, error) {
	given, received, err := s.store.DelegationsOf(ctx, store.AccountID(a.Name))
	if err != nil {
		return nil, err
	}
	data := map[string]any{}
	if data["delegations_given"], err = jsonList(given); err != nil {
		return nil, err
	}
	if data["delegations_received"], err = jsonList(received); err != nil {
		return nil, err
	}
	if s.Extra != nil {
		extra, err := s.Extra(ctx, a.Name)
		if err != nil {
			return nil, err
		}
		maps.Copy(data, extra)
	}
	st, err := structpb.NewStruct(data)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", a.Name, err)
	}
	return st, nil
}

// jsonList renders messages as their JSON objects (AIP naming).
func jsonList(list []*accountsv1.Delegation) ([]any, error) {
	out := make([]any, 0, len(list))
	for _, m := range list {
		raw, err := protojson.Marshal(m)
		if err != nil {
			return nil, err
		}
		var v map[string]any
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
