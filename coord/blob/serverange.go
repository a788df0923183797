package blob

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
)

// byteRange is a satisfiable range of a representation: length > 0 bytes
// from start.
type byteRange struct {
	start, length int64
}

// errRangeSyntax and errRangeUnsatisfiable are the two ways parseRange
// rejects a Range header; both are answered 416.
var (
	errRangeSyntax        = errors.New("expected a single range bytes=FIRST-LAST, bytes=FIRST- or bytes=-SUFFIX with FIRST <= LAST")
	errRangeUnsatisfiable = errors.New("the range starts beyond the end")
)

// parseRange interprets a Range header value for a representation of size
// bytes (RFC 9110, section 14). ok is false when the header is to be ignored
// and the whole representation sent: it is empty or names a unit other than
// bytes, which a server must ignore. A bytes range that is malformed, lists
// more than one range, or lies wholly beyond the end gives an error; RFC 9110
// allows a server to reject the first two, and this one does, rather than
// send a whole blob that a client asked a part of.
func parseRange(header string, size int64) (r byteRange, ok bool, err error) {
	header = strings.TrimSpace(header)
	if header == "" {
		return r, false, nil
	}
	unit, set, found := strings.Cut(header, "=")
	if !found {
		return r, false, errRangeSyntax
	}
	if !strings.EqualFold(strings.TrimSpace(unit), "bytes") {
		return r, false, nil
	}
	var spec string
	n := 0
	for _, part := range strings.Split(set, ",") {
		if p := strings.Trim(part, " \t"); p != "" {
			spec = p
			n++
		}
	}
	if n != 1 {
		return r, false, errRangeSyntax
	}
	first, last, found := strings.Cut(spec, "-")
	if !found {
		return r, false, errRangeSyntax
	}
	if first == "" {
		// bytes=-N: the last N bytes.
		n, err := parseRangeInt(last)
		if err != nil {
			return r, false, err
		}
		if n == 0 || size == 0 {
			return r, false, errRangeUnsatisfiable
		}
		n = min(n, size)
		return byteRange{start: size - n, length: n}, true, nil
	}
	start, err := parseRangeInt(first)
	if err != nil {
		return r, false, err
	}
	end := int64(-1)
	if last != "" {
		if end, err = parseRangeInt(last); err != nil {
			return r, false, err
		}
		if end < start {
			return r, false, errRangeSyntax
		}
	}
	if start >= size {
		return r, false, errRangeUnsatisfiable
	}
	if end < 0 || end >= size {
		end = size - 1
	}
	return byteRange{start: start, length: end - start + 1}, true, nil
}

// parseRangeInt reads a run of decimal digits. A value beyond int64 reads as
// the largest int64, which is past the end of any file, so that a huge last
// position means "to the end" and a huge first position is unsatisfiable.
func parseRangeInt(s string) (int64, error) {
	if s == "" {
		return 0, errRangeSyntax
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errRangeSyntax
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 1<<63 - 1, nil // only ErrRange is possible here
	}
	return n, nil
}

// ServeRange answers ctx with f, a representation of size bytes, honouring a
// single-range Range header: 206 Partial Content with Content-Range for a
// satisfiable range, 416 with "Content-Range: bytes */SIZE" for one that is
// not or is malformed, 200 with the whole of f otherwise. An If-Range header
// is honoured against the ETag the caller set on the response beforehand (a
// range is served only if they match); a HEAD request gets the headers only.
//
// The body is streamed from f, never loaded into memory; when f is an
// *os.File the kernel copies it to the socket (sendfile). ServeRange takes
// ownership of f: if f is an io.Closer it is closed once the response has
// been written, or before ServeRange returns if no body is sent.
func ServeRange(ctx *fasthttp.RequestCtx, f io.ReadSeeker, size int64, contentType string) {
	closeF := func() {
		if c, ok := f.(io.Closer); ok {
			_ = c.Close()
		}
	}
	ctx.Response.Header.Set("Accept-Ranges", "bytes")
	if contentType != "" {
		ctx.SetContentType(contentType)
	}
	header := string(ctx.Request.Header.Peek("Range"))
	if ir := ctx.Request.Header.Peek("If-Range"); len(ir) > 0 && header != "" {
		etag := ctx.Response.Header.Peek("ETag")
		if len(etag) == 0 || strings.HasPrefix(string(ir), "W/") || string(ir) != string(etag) {
			header = "" // the client's copy may differ: send it all
		}
	}
	r, ok, err := parseRange(header, size)
	if err != nil {
		closeF()
		ctx.Response.Header.Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
		writeError(ctx, http.StatusRequestedRangeNotSatisfiable, api.CodeInvalid, "Range",
			"Range "+strconv.Quote(truncate(header, 80))+": "+err.Error()+" (size "+strconv.FormatInt(size, 10)+")")
		return
	}
	status := http.StatusOK
	if ok {
		status = http.StatusPartialContent
		ctx.Response.Header.Set("Content-Range", "bytes "+strconv.FormatInt(r.start, 10)+"-"+
			strconv.FormatInt(r.start+r.length-1, 10)+"/"+strconv.FormatInt(size, 10))
	} else {
		r = byteRange{start: 0, length: size}
	}
	if wc, isWC := f.(wholeChecker); isWC && ok {
		// A part of an object in a store Meadow does not control: its
		// whole bytes must hash to the name before any part is sent.
		cctx, cancel := requestContext(ctx)
		err := wc.checkWhole(cctx)
		cancel()
		if err != nil {
			closeF()
			ctx.Response.Header.Del("Content-Range")
			writeError(ctx, http.StatusBadGateway, api.CodeUnavailable, "", "blob: the stored object cannot be served: "+err.Error())
			return
		}
	}
	if _, err := f.Seek(r.start, io.SeekStart); err != nil {
		closeF()
		ctx.Response.Header.Del("Content-Range")
		writeError(ctx, http.StatusInternalServerError, api.CodeInternal, "", "internal error")
		return
	}
	ctx.SetStatusCode(status)
	if int64(int(r.length)) != r.length {
		closeF()
		writeError(ctx, http.StatusInternalServerError, api.CodeInternal, "", "representation too large for this platform")
		return
	}
	ctx.Response.SetBodyStream(&section{r: f, n: r.length}, int(r.length))
}

// section is the body stream of ServeRange: n bytes of r from its current
// offset. It closes r when fasthttp is done with it, and lets fasthttp hand
// an *os.File to the kernel (sendfile) through WriteTo.
type section struct {
	r io.Reader
	n int64
}

// Read reads from the section.
func (s *section) Read(p []byte) (int, error) {
	if s.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > s.n {
		p = p[:s.n]
	}
	n, err := s.r.Read(p)
	s.n -= int64(n)
	return n, err
}

// WriteTo copies the section to w. Passing w an *io.LimitedReader over the
// file itself is what fasthttp's writer recognises to use sendfile.
func (s *section) WriteTo(w io.Writer) (int64, error) {
	lr := &io.LimitedReader{R: s.r, N: s.n}
	var n int64
	var err error
	if rf, ok := w.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(lr)
	} else {
		n, err = io.Copy(w, lr)
	}
	s.n -= n
	return n, err
}

// SupportsBodyWriteTo tells fasthttp that WriteTo may be used.
func (s *section) SupportsBodyWriteTo() bool { return true }

// Close closes the underlying reader if it can be closed.
func (s *section) Close() error {
	if c, ok := s.r.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// truncate shortens s for an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
