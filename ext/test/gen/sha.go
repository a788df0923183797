package main

import "crypto/sha256"

func sumSHA256(b []byte) [32]byte { return sha256.Sum256(b) }
