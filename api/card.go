package api

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// DatasetCard is a done pipeline's dataset card (GET
// RoutePipelines/{id}/card): each stage's job, filter, rows in and out and
// root, the final dataset's columns, and Markdown, the README.md that
// `meadow buyer pipeline download` writes beside the data files, in the
// layout Hugging Face datasets reads (YAML front matter whose configs name
// data/*.parquet).
type DatasetCard struct {
	Pipeline string       `json:"pipeline"`
	Dataset  string       `json:"dataset"`
	Stages   []CardStage  `json:"stages"`
	Columns  []CardColumn `json:"columns"`
	Markdown string       `json:"markdown"`
}

// CardStage is one stage of a card.
type CardStage struct {
	Name    string      `json:"name"`
	Job     string      `json:"job"`
	Dataset string      `json:"dataset"`
	Root    Hash        `json:"root"`
	RowsIn  int64       `json:"rows_in"` // the previous stage's rows (0 for the crawl)
	Rows    int64       `json:"rows"`    // this stage's verified rows
	Where   []Condition `json:"where,omitempty"`
	// Replication is the stage job's k; TasksAlone counts its tasks that
	// one node ran alone (none where the job checks every task, as
	// pipelines' jobs do), whose rows were not cross-checked.
	Replication int   `json:"replication"`
	TasksAlone  int64 `json:"tasks_alone"`
}

// CardColumn is a column of the final dataset.
type CardColumn struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	Provenance bool   `json:"provenance,omitempty"`
}

// RenderCard writes the Markdown of a card for pipeline p. It depends only
// on its arguments, so every coordinator writes the same card.
func RenderCard(p Pipeline, c DatasetCard) string {
	var b strings.Builder
	name := p.Spec.Name
	if name == "" {
		name = "Meadow pretraining dataset " + p.ID
	}
	langs := p.Spec.Languages
	if len(langs) == 0 {
		langs = []string{"multilingual"}
	}
	fmt.Fprintf(&b, "---\npretty_name: %s\nlanguage:\n", yamlString(name))
	for _, l := range langs {
		fmt.Fprintf(&b, "- %s\n", l)
	}
	b.WriteString("task_categories:\n- text-generation\nconfigs:\n- config_name: default\n  data_files:\n  - split: train\n    path: data/*.parquet\n---\n\n")
	fmt.Fprintf(&b, "# %s\n\n", name)
	fmt.Fprintf(&b, "Made by the Meadow pipeline `%s` (template `%s`) submitted by `%s` on %s, from a crawl of %d seeds and %d URLs. %s "+
		"Each row's `source_hash` is the hash of the row of the stage before it that it was made from.\n\n",
		p.ID, p.Spec.Template, p.Buyer.Hex(), time.UnixMilli(p.CreatedAt).UTC().Format(time.RFC3339), len(p.Spec.Crawl.Seeds), len(p.Spec.Crawl.URLs), crossChecked(c.Stages))
	b.WriteString("## Stages\n\n| stage | job | rows in | rows out | filter applied | replicas a task | tasks alone | dataset | root |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, s := range c.Stages {
		in := "—"
		if s.Name != StageCrawl {
			in = fmt.Sprint(s.RowsIn)
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %d | %s | %d | %d | `%s` | `%s` |\n", s.Name, s.Job, in, s.Rows, describeWhere(s.Where), s.Replication, s.TasksAlone, s.Dataset, s.Root)
	}
	b.WriteString("\nA stage's filter is the verdict of the stage before it, applied to its rows before its kernel runs: the rows it drops are the difference between the previous stage's rows out and its rows in.\n\n")
	b.WriteString("## Parameters\n\nThe pipeline as submitted, with its defaults written in (the published defaults where a value is absent):\n\n```json\n")
	spec, _ := json.MarshalIndent(p.Spec, "", "  ")
	b.Write(spec)
	b.WriteString("\n```\n\n## Columns\n\n| column | type |\n|---|---|\n")
	for _, col := range c.Columns {
		t := col.Type
		if col.Provenance {
			t += " (provenance: who computed the row and when; not hashed)"
		}
		fmt.Fprintf(&b, "| `%s` | %s |\n", col.Name, t)
	}
	fmt.Fprintf(&b, "\n`id` is the hash of the crawled page's row; `text` the main text after the quality filters and PII masking; `tokens` its token count. "+
		"Language scores come from Meadow's `language` kernel (whatlanggo), not from fastText, so they are not FineWeb's numbers.\n\n"+
		"## Verify\n\nThe files under `data/` are the dataset `%s`; its manifest, signed by the coordinators, is `manifest.json`. "+
		"Check every row against the signed root with:\n\n```\nmeadow verify --manifest manifest.json data/*.parquet\n```\n", c.Dataset)
	return b.String()
}

// crossChecked says how the stages' rows were checked: by at least the
// smallest replication of any stage where no task ran alone, else how many
// tasks were not cross-checked.
func crossChecked(stages []CardStage) string {
	k, alone := 0, int64(0)
	for i, s := range stages {
		if i == 0 || s.Replication < k {
			k = s.Replication
		}
		alone += s.TasksAlone
	}
	if alone == 0 {
		return fmt.Sprintf("Every stage is a verified dataset: each of its tasks was run by at least %d independent nodes, and each row accepted only where they agreed.", k)
	}
	return fmt.Sprintf("Every stage is a verified dataset, each row accepted only where the nodes that ran it agreed; but %d of the stages' tasks were run by one node alone, "+
		"so their rows were not cross-checked (the stages table's \"tasks alone\" column).", alone)
}

func describeWhere(w []Condition) string {
	if len(w) == 0 {
		return "—"
	}
	var parts []string
	for _, c := range w {
		parts = append(parts, fmt.Sprintf("`%s %s %s`", c.Column, c.Op, string(c.Value)))
	}
	return strings.Join(parts, " and ")
}

// yamlString quotes s for YAML.
func yamlString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
