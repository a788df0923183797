package coord_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// runFresh starts a member from cfg and returns the error New or Run gave,
// or nil once it is a voter of the cluster seen from leader.
func runFresh(t *testing.T, cfg coord.Config) (*coord.Coordinator, error) {
	t.Helper()
	c, err := coord.New(cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	// Run returns at once when the join at start fails; otherwise it runs
	// until the test ends.
	select {
	case err := <-done:
		done <- err
		return nil, err
	case <-time.After(cfg.JoinTimeout + 5*time.Second*coordtest.Scale()):
		t.Fatalf("%s: Run neither failed nor kept running past the join timeout", cfg.ID)
	case <-waitVoter(c, cfg.ID):
	}
	return c, nil
}

func waitVoter(c *coord.Coordinator, id string) <-chan struct{} {
	ch := make(chan struct{})
	go func() {
		defer close(ch)
		for {
			ms, err := c.Members()
			if err == nil {
				for _, m := range ms {
					if m.ID == id && m.Voter && m.HTTPAddr != "" {
						return
					}
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	return ch
}

// A member that lost its data dir must not come back as the same voter: it
// forgot its term and vote. It is refused at start, before Raft runs, with
// an error that says how to bring it back; once the operator removed the old
// member it joins again.
func TestJoinRefusesMemberThatLostItsDataDir(t *testing.T) {
	cl := coordtest.NewTestCluster(t, 3)
	lost := cl.Members[2]
	cl.Stop(lost)
	if err := os.RemoveAll(lost.Config.DataDir); err != nil {
		t.Fatal(err)
	}
	cfg := lost.Config
	cfg.JoinTimeout = 5 * time.Second * coordtest.Scale()
	cfg.Join = []string{cl.Members[0].Config.HTTPAddr, cl.Members[1].Config.HTTPAddr}

	_, err := runFresh(t, cfg)
	if !errors.Is(err, coord.ErrStaleMember) {
		t.Fatalf("start with a lost data dir: got %v, want ErrStaleMember", err)
	}
	for _, want := range []string{`"c3"`, "operator members remove --id c3", "new --id"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}

	leader := cl.WaitLeader()
	if err := leader.C.Remove(context.Background(), "c3"); err != nil {
		t.Fatalf("remove c3: %v", err)
	}
	c, err := runFresh(t, cfg)
	if err != nil {
		t.Fatalf("start after the old member was removed: %v", err)
	}
	if c.ID() != "c3" {
		t.Fatalf("id %q", c.ID())
	}
}

// A new member whose join addresses do not answer, or refuse its token,
// fails at start naming the address or the token, instead of retrying at
// debug level forever.
func TestJoinFailsAtStartNamingAddressOrToken(t *testing.T) {
	cl := coordtest.NewTestCluster(t, 1)

	// An address nothing listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()

	cases := []struct {
		name  string
		join  string
		token string
		want  []string
	}{
		{name: "dead address", join: dead, token: cl.Members[0].Config.ClusterToken, want: []string{dead, "could not join"}},
		{name: "wrong token", join: cl.Members[0].Config.HTTPAddr, token: "not-the-token", want: []string{"--cluster-token", cl.Members[0].Config.HTTPAddr}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			cfg := coordtest.TestConfig("new", filepath.Join(t.TempDir(), "new"))
			cfg.Join = []string{tt.join}
			cfg.ClusterToken = tt.token
			cfg.JoinTimeout = time.Second
			start := time.Now()
			_, err := runFresh(t, cfg)
			if !errors.Is(err, coord.ErrJoin) {
				t.Fatalf("got %v, want ErrJoin", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			if d := time.Since(start); d > cfg.JoinTimeout+10*time.Second*coordtest.Scale() {
				t.Errorf("failed after %s; join timeout %s", d, cfg.JoinTimeout)
			}
		})
	}
	ms, err := cl.Members[0].C.Members()
	if err != nil || len(ms) != 1 {
		t.Fatalf("members after the refused joins: %v %v; want the one member", ms, err)
	}
}
