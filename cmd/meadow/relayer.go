//go:build !nodeonly

package main

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"path/filepath"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
)

// openRelayerKey loads (or creates, mode 0600) a coordinator's relayer key:
// --relayer-key, or DATA-DIR/relayer.key. The key needs ether to relay;
// without any the coordinator still starts, says so, and answers relay
// requests 503 until it is funded.
func openRelayerKey(ctx context.Context, a *app, ch *contracts.Chain, file, dataDir string) (*ecdsa.PrivateKey, error) {
	if file == "" {
		file = filepath.Join(dataDir, "relayer.key")
	}
	key, err := api.LoadOrCreateKey(file)
	if err != nil {
		return nil, fmt.Errorf("--relayer-key: %w", err)
	}
	addr := crypto.PubkeyToAddress(key.PublicKey)
	bal, err := ch.EtherBalance(ctx, addr)
	switch {
	case err != nil:
		a.logger.Warn("relayer: cannot read its ether balance", "relayer", addr, "err", err)
	case bal.Sign() == 0:
		a.logger.Warn("relayer holds no ether: gasless claims are refused until its address is funded", "relayer", addr, "key", file)
	default:
		a.logger.Info("relaying gasless claims", "relayer", addr, "wei", bal)
	}
	return key, nil
}
