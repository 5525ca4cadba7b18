package main

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
)

// upload streams an extraction in chunks and waits for the import to end.
func upload(t *testing.T, conn *grpc.ClientConn, content []byte) *directoryv1.Import {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stream, err := directoryv1.NewImportServiceClient(conn).UploadImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	msgs := []*directoryv1.UploadImportRequest{{Part: &directoryv1.UploadImportRequest_Header{Header: &directoryv1.ImportHeader{
		FileName: "PS_LibreAcces_Personne_activite_202611240800.txt", TotalBytes: int64(len(content))}}}}
	for half := len(content) / 2; len(content) > 0; content = content[min(half, len(content)):] {
		msgs = append(msgs, &directoryv1.UploadImportRequest{Part: &directoryv1.UploadImportRequest_Chunk{Chunk: content[:min(half, len(content))]}})
	}
	for _, m := range msgs {
		if err := stream.Send(m); err != nil {
			t.Fatal(err)
		}
	}
	job, err := stream.CloseAndRecv()
	if err != nil {
		t.Fatal(err)
	}
	for job.State == directoryv1.Import_STATE_UPLOADING || job.State == directoryv1.Import_STATE_RUNNING {
		if ctx.Err() != nil {
			t.Fatalf("import still %v after a minute", job.State)
		}
		time.Sleep(20 * time.Millisecond) // polling the job, as sasctl does
		if job, err = directoryv1.NewImportServiceClient(conn).GetImport(ctx, &directoryv1.GetImportRequest{Name: job.Name}); err != nil {
			t.Fatal(err)
		}
	}
	return job
}

// recvChange returns the next non-bookmark change of a watch stream.
func recvChange(t *testing.T, stream grpc.ServerStreamingClient[directoryv1.WatchChangesResponse]) *directoryv1.WatchChangesResponse {
	t.Helper()
	for {
		msg, err := stream.Recv()
		if err != nil {
			t.Fatalf("watch: %v", err)
		}
		if msg.Type != commonv1.ChangeType_CHANGE_TYPE_BOOKMARK {
			return msg
		}
	}
}

func TestDirectoryImportOptOutWatch(t *testing.T) {
	sample, err := os.ReadFile("../../directory/rpps/testdata/sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	for config, args := range configurations(t) {
		t.Run(config, func(t *testing.T) {
			p := start(t, args(t)...)
			job := upload(t, p.conn, sample)
			if job.State != directoryv1.Import_STATE_SUCCEEDED || job.ProfessionalsAdded != 9 {
				t.Fatalf("import: %v", job)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			dir := directoryv1.NewDirectoryServiceClient(p.conn)
			stream, err := dir.WatchChanges(ctx, &directoryv1.WatchChangesRequest{})
			if err != nil {
				t.Fatal(err)
			}
			snapshot := map[string]bool{}
			var bookmark string
			for bookmark == "" {
				msg, err := stream.Recv()
				if err != nil {
					t.Fatal(err)
				}
				if msg.Type == commonv1.ChangeType_CHANGE_TYPE_BOOKMARK {
					bookmark = msg.ResumeToken
				}
				snapshot[msg.Name] = true
			}
			if !snapshot["professionals/810101234567"] || !snapshot["professionals/0756012345"] {
				t.Fatalf("snapshot lacks professionals: %v", snapshot)
			}

			st, body, _ := restCall(t, "POST", p.rest+"/v1/professionals/810101234567:setOptOut", `{"optedOut":true}`, p.token)
			if st != 200 || !strings.Contains(string(body), `"optedOut":true`) {
				t.Fatalf("opt-out: %d %s", st, body)
			}
			change := recvChange(t, stream)
			if change.Name != "professionals/810101234567" || !change.GetProfessional().GetOptedOut() {
				t.Fatalf("watch after the opt-out: %v", change)
			}

			resumed, err := dir.WatchChanges(ctx, &directoryv1.WatchChangesRequest{ResumeToken: bookmark})
			if err != nil {
				t.Fatal(err)
			}
			if again := recvChange(t, resumed); again.ResumeToken != change.ResumeToken {
				t.Fatalf("resuming from the bookmark: got %v, want the opt-out change", again)
			}

			if job := upload(t, p.conn, sample); job.ProfessionalsUnchanged != 9 {
				t.Fatalf("the same file again: %v", job)
			}
			quiet, stop := context.WithTimeout(ctx, 700*time.Millisecond)
			defer stop()
			after, err := dir.WatchChanges(quiet, &directoryv1.WatchChangesRequest{ResumeToken: change.ResumeToken})
			if err != nil {
				t.Fatal(err)
			}
			if msg, err := after.Recv(); status.Code(err) != codes.DeadlineExceeded && !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("after re-importing the same file the feed must stay quiet: %v, %v", msg, err)
			}
			bad, err := dir.WatchChanges(ctx, &directoryv1.WatchChangesRequest{ResumeToken: "garbage"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := bad.Recv(); status.Code(err) != codes.InvalidArgument {
				t.Fatalf("a forged resume token: %v, want InvalidArgument", err)
			}
		})
	}
}
