package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

var hexA = strings.Repeat("a", 64)

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		max      int64
		into     func() Validator
		sentinel error  // the error must wrap it; nil when valid
		field    string // the *FieldError's field, if any
		want     string // part of the error message
	}{
		{name: "valid spec", in: `{"kind":"crawl","crawl":{"seeds":["https://example.com/"]}}`},
		{name: "white space around", in: " \n\t{\"kind\":\"crawl\",\"crawl\":{\"seeds\":[\"https://example.com/\"]}}\r\n "},
		{name: "case-insensitive key, as encoding/json", in: `{"KIND":"crawl","crawl":{"seeds":["https://example.com/"]}}`},
		{name: "validation runs", in: `{"kind":"crawl","crawl":{"seeds":["ftp://x"]}}`, sentinel: ErrInvalid, field: "crawl.seeds[0]", want: `"ftp://x": expected an http or https URL`},
		{name: "empty", in: "", sentinel: ErrEmptyBody},
		{name: "only space", in: "  \n", sentinel: ErrEmptyBody},
		{name: "not an object", in: `[1,2]`, sentinel: ErrMalformed, want: "expected a JSON object"},
		{name: "null", in: `null`, sentinel: ErrMalformed},
		{name: "syntax error", in: `{"kind":crawl}`, sentinel: ErrMalformed, want: "at byte"},
		{name: "truncated", in: `{"kind":"crawl"`, sentinel: ErrMalformed, want: "unexpected end"},
		{name: "trailing object", in: `{"kind":"crawl","crawl":{"seeds":["https://example.com/"]}}{}`, sentinel: ErrTrailingData},
		{name: "trailing garbage", in: `{"kind":"crawl","crawl":{"seeds":["https://example.com/"]}} x`, sentinel: ErrTrailingData, want: "at byte 59"},
		{name: "too large", in: `{"kind":"crawl","crawl":{"seeds":["https://example.com/"]}}`, max: 58, sentinel: ErrTooLarge, want: "more than 58 bytes"},
		{name: "exactly max", in: `{"kind":"crawl","crawl":{"seeds":["https://example.com/"]}}`, max: 59},
		{name: "unknown top-level field", in: `{"kind":"crawl","knd":1}`, sentinel: ErrUnknownField, field: "knd", want: "api: knd: unknown field; expected one of the fields kind, name, crawl"},
		{name: "unknown nested field", in: `{"kind":"crawl","crawl":{"seeds":["https://a.example/"],"fields":[{"name":"a","selector":"h1"},{"name":"b","selectr":"h2"}]}}`, sentinel: ErrUnknownField, field: "crawl.fields[1].selectr", want: "name, selector, attr"},
		{name: "unknown field is also invalid", in: `{"x":1}`, sentinel: ErrInvalid, field: "x"},
		{name: "string for int", in: `{"kind":"crawl","crawl":{"seeds":["https://a.example/"],"max_depth":"3"}}`, sentinel: ErrInvalid, field: "crawl.max_depth", want: `"3": expected an integer`},
		{name: "float for int", in: `{"kind":"crawl","crawl":{"seeds":["https://a.example/"],"task_size":2.5}}`, sentinel: ErrInvalid, field: "crawl.task_size", want: "2.5: expected an integer"},
		{name: "int overflow", in: `{"kind":"crawl","crawl":{"seeds":["https://a.example/"],"task_size":1e100}}`, sentinel: ErrInvalid, field: "crawl.task_size", want: "1e100"},
		{name: "number for string in array", in: `{"kind":"crawl","crawl":{"seeds":["https://a.example/", 7]}}`, sentinel: ErrInvalid, field: "crawl.seeds[1]", want: "7: expected a string"},
		{name: "object for array", in: `{"kind":"crawl","crawl":{"seeds":{}}}`, sentinel: ErrInvalid, field: "crawl.seeds", want: "{…}: expected an array"},
		{name: "array for object", in: `{"kind":"crawl","crawl":[]}`, sentinel: ErrInvalid, field: "crawl", want: "expected an object"},
		{name: "bool for string", in: `{"kind":true}`, sentinel: ErrInvalid, field: "kind", want: "true: expected a string"},
		{name: "string for bool", in: `{"kind":"crawl","crawl":{"seeds":["https://a.example/"],"render_js":"yes"}}`, sentinel: ErrInvalid, field: "crawl.render_js", want: "true or false"},
		{name: "type error in second array item", in: `{"kind":"crawl","crawl":{"seeds":["https://a.example/"],"fields":[{"name":"a","selector":"h1"},{"name":"b","selector":5}]}}`, sentinel: ErrInvalid, field: "crawl.fields[1].selector", want: "5: expected a string"},
		{
			name: "bad hash in list", in: `{"task_id":"t","lease_id":"l","row_hashes":["` + hexA + `","` + strings.ToUpper(hexA) + `"]}`,
			into: func() Validator { return &Reveal{} }, sentinel: ErrInvalid, field: "row_hashes[1]", want: HashExpected,
		},
		{
			name: "hash with 0x", in: `{"task_id":"t","lease_id":"l","root":"0x` + hexA[:62] + `","rows":1}`,
			into: func() Validator { return &Commitment{} }, sentinel: ErrInvalid, field: "root", want: HashExpected,
		},
		{
			name: "hash not a string", in: `{"task_id":"t","lease_id":"l","root":12,"rows":1}`,
			into: func() Validator { return &Commitment{} }, sentinel: ErrInvalid, field: "root", want: "12: expected " + HashExpected,
		},
		{
			name: "bad address", in: `{"address":"0x12","version":"v1","capabilities":{"cpu_cores":1,"max_concurrent":1}}`,
			into: func() Validator { return &RegisterRequest{} }, sentinel: ErrInvalid, field: "address", want: "Ethereum address",
		},
		{
			name: "negative into uint", in: `{"epoch":-1}`,
			into: func() Validator { return &SettleRequest{} }, sentinel: ErrInvalid, field: "epoch", want: "-1: expected a non-negative integer",
		},
		{
			name: "unknown key in map value position is fine", in: `{"address":"0x0000000000000000000000000000000000000001","version":"v1","capabilities":{"cpu_cores":1,"max_concurrent":1},"crawl_delays":{"example.com":1000}}`,
			into: func() Validator { return &RegisterRequest{} },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v Validator = &JobSpec{}
			if tt.into != nil {
				v = tt.into()
			}
			max := tt.max
			if max == 0 {
				max = MaxRequestSize
			}
			err := DecodeJSON(strings.NewReader(tt.in), max, v)
			if tt.sentinel == nil {
				if err != nil {
					t.Fatalf("DecodeJSON = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.sentinel) {
				t.Fatalf("DecodeJSON = %v, want it to wrap %v", err, tt.sentinel)
			}
			if !strings.HasPrefix(err.Error(), "api: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if tt.field != "" {
				checkFieldErr(t, err, tt.field, tt.want)
			} else if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestDecodeJSONMaxBytesReader(t *testing.T) {
	body := `{"kind":"crawl","crawl":{"seeds":["https://example.com/"]}}`
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r := http.MaxBytesReader(httptest.NewRecorder(), req.Body, 5)
	err := DecodeJSON(r, MaxRequestSize, &JobSpec{})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestDecodeJSONReadError(t *testing.T) {
	err := DecodeJSON(failingReader{}, MaxRequestSize, &JobSpec{})
	if !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("got %v, want the read error wrapped", err)
	}
}

func TestWalkJSONPaths(t *testing.T) {
	in := `{"a":{"b":[1,{"c":"x"},[true]],"":null},"d":"y"}`
	var got []string
	walkJSON([]byte(in), func(path, bare string, start, end int64, tok json.Token) bool {
		got = append(got, path+"|"+bare+"|"+in[start:end])
		return true
	})
	want := []string{
		"||{",
		`a|a|{`,
		`a.b|a.b|[`,
		`a.b[0]|a.b|1`,
		`a.b[1]|a.b|{`,
		`a.b[1].c|a.b.c|"x"`,
		`a.b[2]|a.b|[`,
		`a.b[2][0]|a.b|true`,
		`a.|a.|null`,
		`d|d|"y"`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("walkJSON:\n got %q\nwant %q", got, want)
	}
}

// FuzzDecodeJobSpec feeds arbitrary bodies to DecodeJSON. It must never
// panic; every error must be one of the package's; and a spec it accepts
// must encode and decode back to itself and stay valid with its defaults.
func FuzzDecodeJobSpec(f *testing.F) {
	for _, s := range []string{
		`{"kind":"crawl","crawl":{"seeds":["https://example.com/"]}}`,
		`{"kind":"crawl","name":"n","replication":3,"max_replication":5,"threshold":0.75,"crawl":{"urls":["http://a.example/1","http://a.example/2"],"allowed_domains":["a.example"],"max_depth":3,"max_pages":10,"fields":[{"name":"title","selector":"h1"},{"name":"link","selector":"a[rel=next]","attr":"href"}],"text_selector":"main","exclude":[".ad"],"render_js":true,"task_size":5}}`,
		`{"kind":"compute","compute":{"input":"ds-1","column":"text","kernel":"minhash","minhash":{"shingle":"char","size":5,"permutations":256,"bands":32},"shard_rows":500,"gpu":true}}`,
		`{"kind":"compute","compute":{"input":"ds-1","kernel":"tokens","tokens":{"encoding":"o200k_base"}}}`,
		`{"kind":"compute","compute":{"input":"ds-1","kernel":"quality","quality":{"gopher":{"min_doc_words":100,"max_doc_words":-1},"gopher_repetition":{"enabled":false},"c4":{"min_num_sentences":3},"fineweb":{"line_punct_exclude_zero":true,"new_line_ratio_ppm":0}}}}`,
		`{"kind":"compute","compute":{"input":"ds-1","kernel":"quality","quality":{"gopher":{"min_doc_words":-5},"fineweb":{"short_line_length":-1}}}}`,
		`{"kind":"compute","compute":{"input":"ds-1","kernel":"pii","pii":{"emails":true,"public_ips_only":false,"phones":false}}}`,
		`{"kind":"compute","compute":{"input":"ds-1","kernel":"wasm","wasm":{"module":"0x` + strings.Repeat("ab", 32) + `","outputs":[{"name":"clean","type":"string"},{"name":"tags","type":"list<string>"}],"fuel":1000,"memory_mib":16,"output_mib":1}}}`,
		`{"kind":"compute","compute":{"input":"ds-1","kernel":"wasm","wasm":{"module":"0x00","outputs":[{"name":"wasm_fuel","type":"float32"}],"fuel":-1}}}`,
		`{"kind":"compute","compute":{"input":"ds-1","kernel":"dedup"}}`,
		`{"kind":"compute","compute":{"input":"ds-1","kernel":"dedup","column":"minhash_bands","shard_rows":100000}}`,
		`{"kind":"compute","compute":{"input":"ds-1","kernel":"dedup","column":"text","shard_rows":7,"gpu":true,"minhash":{}}}`,
		`{"kind":"crawl","crawl":{"urls":["https://a.example/1"],"extract":{"enabled":true,"focus":"recall","fallback":false,"exclude_tables":true,"max_bytes":65536,"latest_date":"2030-01-01"}}}`,
		`{"kind":"crawl","crawl":{"seeds":["https://a.example/"],"render_js":true,"extract":{"enabled":true}}}`,
		`{"kind":"crawl","crawl":{"seeds":["https://a.example/"],"extract":{"enabled":false,"focus":"fast","max_bytes":-1,"latest_date":"2030-02-30","x":1}}}`,
		`{"kind":"crawl","crawl":{"seeds":["ftp://x"],"fields":[{"name":"a","selectr":"h1"}]}}`,
		`{"kind":"crawl","crawl":{"seeds":{}}}`,
		`{"kind":"crawl"} {}`,
		`[]`,
		``,
	} {
		f.Add([]byte(s))
	}
	sentinels := []error{ErrInvalid, ErrMalformed, ErrEmptyBody, ErrTrailingData, ErrTooLarge}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s JobSpec
		err := DecodeJSON(bytes.NewReader(data), MaxJobSpecSize, &s)
		if err != nil {
			for _, se := range sentinels {
				if errors.Is(err, se) {
					return
				}
			}
			t.Fatalf("error wraps none of the sentinels: %v", err)
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("re-encoding an accepted spec: %v", err)
		}
		var s2 JobSpec
		if err := DecodeJSON(bytes.NewReader(b), MaxJobSpecSize, &s2); err != nil {
			t.Fatalf("an accepted spec does not decode again: %v\n%s", err, b)
		}
		// Compared as JSON: an empty list and an absent one ("fields":[]
		// and no fields) are the same spec, and both encode as absent.
		if b2, _ := json.Marshal(s2); !bytes.Equal(b, b2) {
			t.Fatalf("round trip changed the spec:\n%s\n%s", b, b2)
		}
		if err := s.WithDefaults().Validate(); err != nil {
			t.Fatalf("an accepted spec is invalid with its defaults: %v\n%s", err, b)
		}
	})
}
