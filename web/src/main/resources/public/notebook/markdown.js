// A markdown cell's text as DOM nodes, never as HTML: headings (#, ##, ###), bullet lists (- or *),
// paragraphs, **bold**, *emphasis*, `code` and [links](url). Enough for notes between queries; what
// it does not know shows as the text typed.

const INLINE = /(\*\*[^*]+\*\*|\*[^*]+\*|`[^`]+`|\[[^\]]+\]\([^)\s]+\))/;

/** Replaces `container`'s (a d3 selection) content with `text` rendered. */
export function renderMarkdown(container, text) {
  container.selectAll("*").remove();
  for (const block of text.split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean)) {
    const heading = /^(#{1,3})\s+(.*)$/s.exec(block);
    const lines = block.split("\n");
    if (heading) {
      inline(container.append(`h${heading[1].length + 2}`), heading[2]);
    } else if (lines.every((l) => /^\s*[-*]\s+/.test(l))) {
      const list = container.append("ul");
      for (const l of lines) inline(list.append("li"), l.replace(/^\s*[-*]\s+/, ""));
    } else {
      inline(container.append("p"), lines.join(" "));
    }
  }
}

function inline(parent, text) {
  for (const part of text.split(INLINE).filter(Boolean)) {
    const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(part);
    if (part.startsWith("**") && part.endsWith("**") && part.length > 4) parent.append("strong").text(part.slice(2, -2));
    else if (part.startsWith("`") && part.endsWith("`") && part.length > 2) parent.append("code").text(part.slice(1, -1));
    else if (link && /^(https?:|\/|#|\?)/.test(link[2])) parent.append("a").attr("href", link[2]).text(link[1]);
    else if (part.startsWith("*") && part.endsWith("*") && part.length > 2) parent.append("em").text(part.slice(1, -1));
    else parent.append("span").text(part);
  }
}
