// Draws one answer of the query model (docs/notebook.md, "Charts") with D3: the chart spec names the
// columns to draw. The page inlines D3 and this file, and `answer` before it.
(function () {
  const spec = answer.chart;
  const col = (name) => answer.columns.indexOf(name);
  const rows = answer.rows;
  const width = 860, height = 380, margin = { top: 20, right: 160, bottom: 60, left: 60 };
  const svg = d3.select("#chart").append("svg").attr("width", width).attr("height", height);
  const plot = svg.append("g").attr("transform", `translate(${margin.left},${margin.top})`);
  const w = width - margin.left - margin.right, h = height - margin.top - margin.bottom;
  const color = d3.scaleOrdinal(d3.schemeTableau10);
  const x = col(spec.x), y = col(spec.y), series = spec.series ? col(spec.series) : -1;
  const label = spec.label ? col(spec.label) : -1, previous = spec.compare ? col(spec.compare) : -1;

  function legend(keys) {
    const g = svg.append("g").attr("transform", `translate(${width - margin.right + 16},${margin.top})`);
    keys.forEach((k, i) => {
      g.append("rect").attr("y", i * 16).attr("width", 10).attr("height", 10).attr("fill", color(k));
      g.append("text").attr("x", 14).attr("y", i * 16 + 9).text(k);
    });
  }

  function line() {
    const groups = d3.group(rows, (r) => (series < 0 ? "all" : String(r[series])));
    const xs = [...new Set(rows.map((r) => String(r[x])))];
    const sx = d3.scalePoint().domain(xs).range([0, w]);
    const sy = d3.scaleLinear().domain([0, d3.max(rows, (r) => +r[y]) || 1]).nice().range([h, 0]);
    plot.append("g").attr("transform", `translate(0,${h})`)
      .call(d3.axisBottom(sx).tickValues(xs.filter((_, i) => i % Math.ceil(xs.length / 8) === 0)));
    plot.append("g").call(d3.axisLeft(sy));
    for (const [key, points] of groups) {
      plot.append("path").datum(points).attr("fill", "none").attr("stroke", color(key)).attr("stroke-width", 2)
        .attr("d", d3.line().x((r) => sx(String(r[x]))).y((r) => sy(+r[y])));
    }
    legend([...groups.keys()]);
  }

  function bars() {
    const name = (r) => String(r[x]) + (label >= 0 ? " " + r[label] : "") + (series >= 0 ? " · " + r[series] : "");
    const sx = d3.scaleBand().domain(rows.map(name)).range([0, w]).padding(0.2);
    const top = d3.max(rows, (r) => Math.max(+r[y], previous >= 0 ? +r[previous] || 0 : 0)) || 1;
    const sy = d3.scaleLinear().domain([0, top]).nice().range([h, 0]);
    plot.append("g").attr("transform", `translate(0,${h})`).call(d3.axisBottom(sx))
      .selectAll("text").attr("transform", "rotate(-25)").style("text-anchor", "end");
    plot.append("g").call(d3.axisLeft(sy));
    if (previous >= 0) {
      plot.selectAll("rect.previous").data(rows.filter((r) => r[previous] != null)).join("rect")
        .attr("class", "previous").attr("fill", "#ccc")
        .attr("x", (r) => sx(name(r))).attr("width", sx.bandwidth() / 2)
        .attr("y", (r) => sy(+r[previous])).attr("height", (r) => h - sy(+r[previous]));
    }
    const shift = previous >= 0 ? sx.bandwidth() / 2 : 0;
    plot.selectAll("rect.value").data(rows).join("rect").attr("class", "value")
      .attr("fill", (r) => color(series >= 0 ? String(r[series]) : "all"))
      .attr("x", (r) => sx(name(r)) + shift).attr("width", sx.bandwidth() - shift)
      .attr("y", (r) => sy(+r[y])).attr("height", (r) => h - sy(+r[y]));
  }

  function sankey() {
    // Paths "a → b → c" with their counts: a node per event and depth, links summed per depth.
    const nodes = new Map(), links = new Map();
    const node = (depth, name) => {
      const id = depth + ":" + name;
      if (!nodes.has(id)) nodes.set(id, { id, name });
      return id;
    };
    for (const r of rows) {
      const steps = String(r[x]).split(" → ");
      for (let i = 0; i + 1 < steps.length; i++) {
        const key = node(i, steps[i]) + "|" + node(i + 1, steps[i + 1]);
        links.set(key, (links.get(key) || 0) + +r[y]);
      }
    }
    const graph = d3.sankey().nodeId((d) => d.id).nodeWidth(12).nodePadding(10).extent([[0, 0], [w, h]])({
      nodes: [...nodes.values()].map((d) => ({ ...d })),
      links: [...links].map(([key, value]) => ({ source: key.split("|")[0], target: key.split("|")[1], value })),
    });
    plot.append("g").selectAll("path").data(graph.links).join("path").attr("fill", "none")
      .attr("stroke", (l) => color(l.source.name)).attr("stroke-opacity", 0.4)
      .attr("stroke-width", (l) => Math.max(1, l.width)).attr("d", d3.sankeyLinkHorizontal());
    plot.append("g").selectAll("rect").data(graph.nodes).join("rect").attr("fill", (d) => color(d.name))
      .attr("x", (d) => d.x0).attr("y", (d) => d.y0).attr("width", (d) => d.x1 - d.x0).attr("height", (d) => d.y1 - d.y0);
    plot.append("g").selectAll("text").data(graph.nodes).join("text")
      .attr("x", (d) => d.x1 + 4).attr("y", (d) => (d.y0 + d.y1) / 2).attr("dy", "0.35em").text((d) => d.name);
  }

  ({ line: line, bar: bars, funnel: bars, histogram: bars, sankey: sankey }[spec.type] || (() => {}))();
})();
