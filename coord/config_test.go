package coord

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	base := DefaultConfig()
	base.ID, base.DataDir, base.RaftAddr, base.HTTPAddr = "c1", "/tmp/x", "127.0.0.1:0", "127.0.0.1:0"
	if err := base.Validate(); err != nil {
		t.Fatalf("base config: %v", err)
	}
	tests := []struct {
		name  string
		edit  func(*Config)
		field string
	}{
		{name: "no id", edit: func(c *Config) { c.ID = "" }, field: "config.id"},
		{name: "id with slash", edit: func(c *Config) { c.ID = "a/b" }, field: "config.id"},
		{name: "no data dir", edit: func(c *Config) { c.DataDir = "" }, field: "config.data_dir"},
		{name: "raft addr without port", edit: func(c *Config) { c.RaftAddr = "localhost" }, field: "config.raft_addr"},
		{name: "advertise port 0", edit: func(c *Config) { c.RaftAdvertise = "10.0.0.1:0" }, field: "config.raft_advertise"},
		{name: "http addr", edit: func(c *Config) { c.HTTPAddr = ":99999" }, field: "config.http_addr"},
		{name: "bootstrap and join", edit: func(c *Config) { c.Bootstrap = true; c.Join = []string{"h:1"} }, field: "config.join"},
		{name: "bad join", edit: func(c *Config) { c.Join = []string{"http://h"} }, field: "config.join[0]"},
		{name: "negative window", edit: func(c *Config) { c.BatchWindow = -1 }, field: "config.batch_window"},
		{name: "zero ops", edit: func(c *Config) { c.BatchMaxOps = 0 }, field: "config.batch_max_ops"},
		{name: "election < heartbeat", edit: func(c *Config) { c.ElectionTimeout = c.HeartbeatTimeout / 2 }, field: "config.election_timeout"},
		{name: "lease > heartbeat", edit: func(c *Config) { c.LeaderLeaseTimeout = 2 * time.Second }, field: "config.leader_lease_timeout"},
		{name: "tiny segment", edit: func(c *Config) { c.WALSegmentSize = 1000 }, field: "config.wal_segment_size"},
		{name: "negative unpaid grace", edit: func(c *Config) { c.UnpaidGrace = -time.Second }, field: "config.unpaid_grace"},
		{name: "unpaid grace past a year", edit: func(c *Config) { c.UnpaidGrace = 366 * 24 * time.Hour }, field: "config.unpaid_grace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			c.Join = nil
			tt.edit(&c)
			err := c.Validate()
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("Validate() = %v, want ErrInvalid naming %s", err, tt.field)
			}
		})
	}
	ok := base
	ok.Join = []string{"http://10.0.0.1:7000/", "10.0.0.2:7000"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("join URLs: %v", err)
	}
}
