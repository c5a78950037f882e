// An answer as a table, beside its chart, and as CSV and JSON downloads (data: URLs: nothing is
// requested). Each cell keeps its value as JSON in data-value, so a test compares it with the API's.

const SHOWN_ROWS = 500;
const number = d3.format(",");

/** Fills `container` (a d3 selection) with the table and the download links of `answer`. */
export function renderResult(container, answer, name) {
  container.selectAll("*").remove();
  const links = container.append("div").attr("class", "downloads");
  links.append("a").attr("data-testid", "download-csv").attr("download", `${name}.csv`)
    .attr("href", "data:text/csv;charset=utf-8," + encodeURIComponent(toCsv(answer))).text("CSV");
  links.append("a").attr("data-testid", "download-json").attr("download", `${name}.json`)
    .attr("href", "data:application/json;charset=utf-8," + encodeURIComponent(JSON.stringify(answer, null, 2))).text("JSON");
  const table = container.append("table").attr("class", "result-table").attr("data-testid", "result-table");
  table.append("thead").append("tr").selectAll("th").data(answer.columns).join("th").text((c) => c);
  table.append("tbody").selectAll("tr").data(answer.rows.slice(0, SHOWN_ROWS)).join("tr")
    .selectAll("td").data((row) => row).join("td")
    .attr("data-value", (v) => JSON.stringify(v))
    .classed("num", (v) => typeof v === "number")
    .text(shown);
  if (answer.rows.length > SHOWN_ROWS) {
    container.append("p").attr("class", "hint").text(`The first ${SHOWN_ROWS} of ${number(answer.rows.length)} rows: download them all.`);
  }
}

function shown(value) {
  if (value === null || value === undefined) return "–";
  if (typeof value === "number") return Number.isInteger(value) ? number(value) : d3.format(",.4~f")(value);
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** RFC 4180: a header line, then a line per row; objects as JSON, null as nothing. */
export function toCsv(answer) {
  const field = (v) => {
    const s = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [answer.columns, ...answer.rows].map((row) => row.map(field).join(",")).join("\r\n") + "\r\n";
}
