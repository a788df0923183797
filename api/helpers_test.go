package api

import (
	"errors"
	"strings"
	"testing"
)

// validationCase is one row of a validation table: v is valid when field
// is empty; otherwise Validate must report a *FieldError for field whose
// message contains want.
type validationCase struct {
	name  string
	v     Validator
	field string
	want  string
}

func runValidation(t *testing.T, tests []validationCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFieldErr(t, tt.v.Validate(), tt.field, tt.want)
		})
	}
}

// checkFieldErr checks err against the expectation of a validationCase.
func checkFieldErr(t testing.TB, err error, field, want string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("want valid, got %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("want an error for %s, got none", field)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("error does not wrap ErrInvalid: %v", err)
	}
	for _, fe := range FieldErrors(err) {
		if fe.Field == field {
			if !strings.Contains(fe.Error(), want) {
				t.Errorf("error for %s = %q, want it to contain %q", field, fe.Error(), want)
			}
			return
		}
	}
	t.Fatalf("no error for %s in: %v", field, err)
}
