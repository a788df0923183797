// Command s3dev runs an S3-compatible object store (Versity's gateway, as
// coord/blob/s3gw starts it: a separate process on a loopback port) with one
// bucket, for the extension's cluster test, whose coordinators keep their
// blobs there. It writes the store's fresh keys to DIR/credentials (0600),
// the coordinators' --object-store-credentials-file, prints
// "S3 <endpoint> <bucket> <credentials file>" once the bucket exists, and
// runs until standard input closes, then stops the gateway.
//
//	go run ./ext/test/s3dev -dir DIR
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/meadow-net/meadow/coord/blob/s3gw"
)

const bucket = "meadow-ext"

func main() {
	dir := flag.String("dir", "", "directory for the store's files, its keys and its log")
	flag.Parse()
	if *dir == "" {
		log.Fatal("s3dev: -dir: expected a directory")
	}
	wd, err := os.Getwd()
	if err != nil {
		log.Fatal(err)
	}
	bin, err := s3gw.Find(wd)
	if err != nil {
		log.Fatal(err)
	}
	access, secret, err := s3gw.NewKeys()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		log.Fatal(err)
	}
	creds := filepath.Join(*dir, "credentials")
	if err := s3gw.WriteCredentials(creds, access, secret); err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	gw, err := s3gw.Start(ctx, s3gw.Config{Binary: bin, Root: filepath.Join(*dir, "root"), AccessKey: access, SecretKey: secret, Log: filepath.Join(*dir, "gateway.log")})
	if err != nil {
		log.Fatal(err)
	}
	defer gw.Kill()
	err = gw.MakeBucket(ctx, bucket)
	cancel()
	if err != nil {
		gw.Kill()
		log.Fatal(err)
	}
	fmt.Printf("S3 %s %s %s\n", gw.Endpoint, bucket, creds)
	bufio.NewReader(os.Stdin).ReadString(0)
}
