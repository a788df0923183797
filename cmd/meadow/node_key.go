package main

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"

	"github.com/meadow-net/meadow/node"
)

// newNodeKeyCmd is `meadow node key export|import|address`: backing up the
// node's key and bringing it to another machine. The key file holds the
// private key as 64 hex digits, the format the node itself writes.
func newNodeKeyCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "Back up, restore or show the node's key (its identity and rewards account)",
		Args:  cobra.NoArgs,
	}
	var dataDir, out string
	var toStdout bool
	export := &cobra.Command{
		Use:   "export",
		Short: "Write the node's private key to a file (0600), or to standard output with --stdout",
		Long: `Write the node's private key, for a backup. Whoever holds it can claim the
node's rewards, and without it they cannot be claimed: keep the copy offline.
--out writes a new file readable by you only (never over an existing one);
the key goes to standard output only with --stdout.`,
		Example: `  meadow node key export --data-dir ~/.meadow --out /media/usb/meadow-node.key`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dataDir == "" {
				dataDir = defaultNodeDataDir()
			}
			if (out == "") == !toStdout {
				return usageError(errors.New("--out FILE or --stdout: expected exactly one (the key is written to a terminal only when you ask)"))
			}
			key, err := loadNodeKey(dataDir)
			if err != nil {
				return err
			}
			text := fmt.Sprintf("%x\n", crypto.FromECDSA(key))
			addr := crypto.PubkeyToAddress(key.PublicKey).Hex()
			if toStdout {
				_, err := fmt.Fprint(a.stdout, text)
				return err
			}
			f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return fmt.Errorf("--out %s: %w (the key is never written over an existing file)", out, err)
			}
			if _, err := f.WriteString(text); err != nil {
				f.Close()
				os.Remove(out)
				return fmt.Errorf("--out %s: %w", out, err)
			}
			if err := f.Close(); err != nil {
				return fmt.Errorf("--out %s: %w", out, err)
			}
			if a.jsonOut {
				return a.printJSON(map[string]string{"address": addr, "file": out})
			}
			fmt.Fprintf(a.stdout, "wrote the key of %s to %s (readable by you only); restore it with "+nodeCmd+" key import %s\n", addr, out, shellQuote(out))
			return nil
		},
	}
	export.Flags().StringVar(&dataDir, "data-dir", "", "the node's data dir (default ~/.meadow)")
	export.Flags().StringVar(&out, "out", "", "file to write the key to (created 0600; never overwritten)")
	export.Flags().BoolVar(&toStdout, "stdout", false, "write the key to standard output instead")

	var replace bool
	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "Make a backed-up key the node's key (in the data dir, 0600)",
		Long: `Make a key from meadow node key export (64 hex digits, 0x allowed) the node's
key. A data dir that holds another key keeps it unless --replace is given:
the rewards of the replaced key can then only be claimed with that key.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if dataDir == "" {
				dataDir = defaultNodeDataDir()
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return usageError(fmt.Errorf("FILE: %w", err))
			}
			key, err := crypto.HexToECDSA(strings.TrimPrefix(strings.TrimSpace(string(data)), "0x"))
			if err != nil {
				return usageError(fmt.Errorf("FILE %s: expected 64 hex digits of a secp256k1 private key: %v", args[0], err))
			}
			addr := crypto.PubkeyToAddress(key.PublicKey)
			path := filepath.Join(dataDir, node.KeyFile)
			if old, err := loadNodeKey(dataDir); err == nil {
				oldAddr := crypto.PubkeyToAddress(old.PublicKey)
				if oldAddr == addr {
					fmt.Fprintf(a.stdout, "%s already holds the key of %s\n", path, addr.Hex())
					return nil
				}
				if !replace {
					return usageError(fmt.Errorf("%s holds the key of %s: expected --replace to put %s in its place (export it first: its rewards need it)", path, oldAddr.Hex(), addr.Hex()))
				}
			} else if !errors.Is(err, fs.ErrNotExist) && !replace {
				return err
			}
			if err := os.MkdirAll(dataDir, 0o700); err != nil {
				return err
			}
			if err := writeFileAtomic(path, []byte(fmt.Sprintf("%x\n", crypto.FromECDSA(key))), 0o600); err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(map[string]string{"address": addr.Hex(), "file": path})
			}
			fmt.Fprintf(a.stdout, "the node's key is now that of %s (%s)\n", addr.Hex(), path)
			return nil
		},
	}
	imp.Flags().StringVar(&dataDir, "data-dir", "", "the node's data dir (default ~/.meadow)")
	imp.Flags().BoolVar(&replace, "replace", false, "replace a different key already in the data dir")

	address := &cobra.Command{
		Use:   "address",
		Short: "Print the node's address",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dataDir == "" {
				dataDir = defaultNodeDataDir()
			}
			key, err := loadNodeKey(dataDir)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, crypto.PubkeyToAddress(key.PublicKey).Hex())
			return nil
		},
	}
	address.Flags().StringVar(&dataDir, "data-dir", "", "the node's data dir (default ~/.meadow)")
	cmd.AddCommand(export, imp, address)
	return cmd
}

// loadNodeKey reads the node's key without creating one; a missing key is
// fs.ErrNotExist, and a key others can read is refused.
func loadNodeKey(dataDir string) (*ecdsa.PrivateKey, error) {
	path := filepath.Join(dataDir, node.KeyFile)
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w ("+nodeCmd+" init creates one)", path, err)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("key %s has mode %04o: expected 0600 (run chmod 600 %s)", path, perm, shellQuote(path))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", path, err)
	}
	key, err := crypto.HexToECDSA(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, fmt.Errorf("key %s: expected 64 hex digits of a secp256k1 private key: %v", path, err)
	}
	return key, nil
}
