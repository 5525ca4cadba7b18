package grpcserver

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestLevelOf(t *testing.T) {
	tests := []struct {
		method string
		code   codes.Code
		want   slog.Level
	}{
		{"/sas.directory.v1.DirectoryService/GetProfessional", codes.OK, slog.LevelInfo},
		{"/grpc.health.v1.Health/Check", codes.OK, slog.LevelDebug},
		{"/grpc.health.v1.Health/Check", codes.NotFound, slog.LevelInfo},
		{"/x.S/M", codes.InvalidArgument, slog.LevelInfo},
		{"/x.S/M", codes.DeadlineExceeded, slog.LevelWarn},
		{"/x.S/M", codes.Unavailable, slog.LevelWarn},
		{"/x.S/M", codes.Unknown, slog.LevelError},
		{"/x.S/M", codes.Internal, slog.LevelError},
	}
	for _, tt := range tests {
		if got := levelOf(tt.method, tt.code); got != tt.want {
			t.Errorf("levelOf(%s, %v) = %v, want %v", tt.method, tt.code, got, tt.want)
		}
	}
}

func TestCodeOf(t *testing.T) {
	tests := []struct {
		err  error
		want codes.Code
	}{
		{nil, codes.OK},
		{status.Error(codes.NotFound, "x"), codes.NotFound},
		{context.Canceled, codes.Canceled},
		{context.DeadlineExceeded, codes.DeadlineExceeded},
		{errors.New("plain"), codes.Unknown},
	}
	for _, tt := range tests {
		if got := codeOf(tt.err); got != tt.want {
			t.Errorf("codeOf(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
