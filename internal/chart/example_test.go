package chart_test

import (
	"fmt"
	"html/template"
	"os"

	"github.com/sitrep/sitrep/internal/chart"
)

// A page template embeds a chart like any other template.HTML value, and
// adds chart.CSS to its stylesheet.
func ExampleColumns() {
	page := template.Must(template.New("page").Parse(`<style>{{.CSS}}</style>
<h2>Articles per source per week</h2>
{{.Chart}}`))
	svg := chart.Columns(chart.ColumnChart{
		ID:         "weekly",
		Title:      "Articles per source per week",
		Labels:     []string{"7 Oct", "14 Oct", "21 Oct"},
		LongLabels: []string{"week of 7 Oct 2024", "week of 14 Oct 2024", "week of 21 Oct 2024"},
		Series: []chart.Series{
			{Name: "NATO", Values: []float64{12, 7, 9}},
			{Name: "Europol", Values: []float64{3, 5, 0}},
		},
	})
	// template.CSS, as the stylesheet is the package's own constant.
	page.Execute(os.Stdout, map[string]any{"CSS": template.CSS(chart.CSS), "Chart": svg})
}

// Bars come in the order given: sort them and keep the top few first.
func ExampleHBars() {
	_ = chart.HBars(chart.HBarChart{
		ID:    "countries",
		Title: "Mentions per country",
		Bars:  []chart.Bar{{Label: "Ukraine", Value: 312}, {Label: "Portugal", Value: 42}},
	})
}

func ExampleSpark() {
	fmt.Println(chart.Spark([]float64{3, 0, 5}, "NATO, articles per week"))
	// Output: <svg xmlns="http://www.w3.org/2000/svg" class="chart-spark" width="120" height="24" viewBox="0 0 120 24" role="img" aria-label="NATO, articles per week"><title>NATO, articles per week</title><desc>3 values; latest 5, highest 5, total 8.</desc><path d="M0 23.5H120" stroke="currentColor" stroke-opacity=".35" fill="none"/><path class="chart-seg" d="M15 9.8h10v13.2h-10zM95 1h10v22h-10z" fill="#0072B2"/></svg>
}
