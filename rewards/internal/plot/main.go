// Command plot draws the default emission schedule as an SVG line chart:
// emission against trailing revenue at epoch 1, and emission over epochs at
// a few fixed revenues. It uses integer arithmetic only, like the package.
//
// Run from the repository root:
//
//	go run ./rewards/internal/plot
//
// It writes rewards/testdata/emission.svg; a test fails when that file is
// out of date.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"math/big"
	"os"

	"github.com/meadow-net/meadow/rewards"
)

func main() {
	out := flag.String("out", "rewards/testdata/emission.svg", "file to write the chart to")
	flag.Parse()
	svg, err := render(rewards.DefaultParams())
	if err == nil {
		err = os.WriteFile(*out, svg, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "plot:", err)
		os.Exit(1)
	}
}

// Chart geometry, in SVG user units.
const (
	width      = 800
	panelH     = 330
	left       = 80
	right      = 30
	top        = 40
	plotW      = width - left - right
	plotH      = panelH - top - 60
	revSteps   = 200 // points on the revenue curve
	maxRevR0   = 20  // the revenue axis runs to this many R0
	epochStep  = 10  // sample every this many epochs
	epochCount = 3640
)

var colors = []string{"#1b7837", "#2166ac", "#b2182b", "#762a83"}

// series is one line: a label and its points' values.
type series struct {
	label  string
	values []*big.Int
}

// render returns the whole SVG document.
func render(p rewards.Params) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", width, 2*panelH, width, 2*panelH)
	fmt.Fprintf(&b, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, 2*panelH)

	// Panel 1: emission at epoch 1 against trailing revenue.
	var byRevenue []*big.Int
	for i := 0; i <= revSteps; i++ {
		r := new(big.Int).Mul(p.R0, big.NewInt(int64(i*maxRevR0)))
		r.Quo(r, big.NewInt(revSteps))
		e, err := rewards.Emission(p, 1, r, new(big.Int))
		if err != nil {
			return nil, err
		}
		byRevenue = append(byRevenue, e)
	}
	r0 := new(big.Int).Quo(p.R0, big.NewInt(1_000_000)).String()
	panel(&b, 0, "MEADOW emitted in epoch 1 against trailing revenue (R0 = "+r0+" stable)", p.EMax0,
		[]series{{label: "emission", values: byRevenue}, {label: "floor", values: constant(p.Floor, revSteps+1)}},
		axis{from: 0, to: int64(maxRevR0) * p.R0.Int64() / 1_000_000, unit: "trailing revenue, stable tokens"})

	// Panel 2: emission over epochs at fixed trailing revenue.
	var lines []series
	for _, mult := range []int64{0, 1, 4} {
		r := new(big.Int).Mul(p.R0, big.NewInt(mult))
		s := series{label: fmt.Sprintf("revenue %d × R0", mult)}
		for e := int64(1); e <= epochCount; e += epochStep {
			v, err := rewards.Emission(p, uint64(e), r, new(big.Int))
			if err != nil {
				return nil, err
			}
			s.values = append(s.values, v)
		}
		lines = append(lines, s)
	}
	panel(&b, panelH, fmt.Sprintf("MEADOW emitted per epoch, halving every %d epochs, floor %s", p.HalvingEpochs, new(big.Int).Quo(p.Floor, tenPow(18))), p.EMax0,
		lines, axis{from: 1, to: epochCount, unit: "epoch"})
	b.WriteString("</svg>\n")
	return b.Bytes(), nil
}

// axis describes the x axis: the values at its ends and its caption.
type axis struct {
	from, to int64
	unit     string
}

func constant(v *big.Int, n int) []*big.Int {
	out := make([]*big.Int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func tenPow(n int64) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil) }

// panel draws one chart with its top edge at y0; values run from 0 to yMax.
func panel(b *bytes.Buffer, y0 int, title string, yMax *big.Int, lines []series, x axis) {
	fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">%s</text>\n", left, y0+24, title)
	ox, oy := left, y0+top+plotH
	fmt.Fprintf(b, "<path d=\"M%d %dV%dH%d\" fill=\"none\" stroke=\"black\"/>\n", ox, y0+top, oy, ox+plotW)
	// Five ticks on each axis.
	whole := new(big.Int).Quo(yMax, tenPow(18))
	for i := int64(0); i <= 4; i++ {
		y := oy - int(i)*plotH/4
		label := new(big.Int).Quo(new(big.Int).Mul(whole, big.NewInt(i)), big.NewInt(4))
		fmt.Fprintf(b, "<path d=\"M%d %dH%d\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", ox+1, y, ox+plotW, ox-6, y+4, label)
		xv := x.from + (x.to-x.from)*i/4
		xp := ox + int(i)*plotW/4
		fmt.Fprintf(b, "<path d=\"M%d %dv5\" stroke=\"black\"/><text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d</text>\n", xp, oy, xp, oy+18, xv)
	}
	fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", ox+plotW/2, oy+38, x.unit)
	fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 %d %d)\">MEADOW</text>\n", 18, y0+top+plotH/2, 18, y0+top+plotH/2)
	for li, s := range lines {
		color := colors[li%len(colors)]
		fmt.Fprintf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", color)
		last := len(s.values) - 1
		for i, v := range s.values {
			px := ox + i*plotW/max(last, 1)
			// py = oy - v*plotH/yMax, in integers.
			h := new(big.Int).Mul(v, big.NewInt(plotH))
			h.Quo(h, yMax)
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(b, "%d,%d", px, oy-int(h.Int64()))
		}
		b.WriteString("\"/>\n")
		ly := y0 + top + 14 + 18*li
		fmt.Fprintf(b, "<path d=\"M%d %dh24\" stroke=\"%s\" stroke-width=\"2\"/><text x=\"%d\" y=\"%d\">%s</text>\n", ox+plotW-170, ly-4, color, ox+plotW-140, ly, s.label)
	}
}
