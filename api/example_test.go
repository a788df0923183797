package api_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/meadow-net/meadow/api"
)

func ExampleDecodeJSON() {
	body := `{"kind":"crawl","crawl":{"seeds":["ftp://example.com/"],"fields":[{"name":"title","selector":"div["}]}}`
	var spec api.JobSpec
	err := api.DecodeJSON(strings.NewReader(body), api.MaxJobSpecSize, &spec)
	for _, fe := range api.FieldErrors(err) {
		fmt.Println(fe)
	}
	status, resp, _ := api.ErrorFor(err)
	fmt.Println(status, resp.Error.Code, resp.Error.Field)
	// Output:
	// api: crawl.seeds[0] "ftp://example.com/": expected an http or https URL
	// api: crawl.fields[0].selector "div[": expected a valid CSS selector (unclosed '[')
	// 400 invalid crawl.seeds[0]
}

func ExampleEnvelope_Open() {
	key, _ := crypto.ToECDSA(crypto.Keccak256([]byte("example node key")))
	now := time.Unix(1_767_225_000, 0)
	var nonces api.NonceSource

	// The node signs its commitment.
	c := api.Commitment{TaskID: "job-1:t-7", LeaseID: "lease-9", Root: api.Hash{0xab}, Rows: 25}
	env, err := api.Sign(key, api.MethodCommit, c, nonces.Next(now), now.Add(time.Minute), api.DevDomain())
	if err != nil {
		panic(err)
	}

	// The coordinator opens it, then checks the nonce.
	checker := api.NewNonceChecker()
	var got api.Commitment
	signer, err := env.Open(now, api.DevDomain(), api.MethodCommit, &got)
	if err != nil {
		panic(err)
	}
	fmt.Println(signer == crypto.PubkeyToAddress(key.PublicKey), got.Rows)
	fmt.Println(checker.Check(signer, env.Nonce))
	fmt.Println(errors.Is(checker.Check(signer, env.Nonce), api.ErrReplayed))
	// Output:
	// true 25
	// <nil>
	// true
}
