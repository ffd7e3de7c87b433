// Markdown of judges' replies, shared by the chat page and the judge console so that a judge sees
// a reply exactly as the enterprise does.

// liteMarkdown renders a judge's reply: paragraphs, "- " lists, **bold** and links to knowledge-base
// articles or https pages. It builds DOM nodes from text, so nothing in a reply is ever parsed as HTML.
export function liteMarkdown(text) {
  const box = document.createElement('div');
  box.className = 'text';
  let list = null;
  for (const line of String(text).split('\n')) {
    const item = /^\s*[-*•]\s+(.*)$/.exec(line);
    if (item) {
      if (!list) { list = document.createElement('ul'); box.append(list); }
      const li = document.createElement('li');
      inline(li, item[1]);
      list.append(li);
      continue;
    }
    list = null;
    if (line.trim() === '') continue;
    const p = document.createElement('p');
    inline(p, line);
    box.append(p);
  }
  return box;
}

function inline(parent, text) {
  const re = /\*\*([^*]+)\*\*|\[([^\]]{1,120})\]\(((?:\/kb\/[a-z0-9-]+)|(?:https:\/\/[^\s)]+))\)/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    parent.append(text.slice(last, m.index));
    if (m[1] !== undefined) {
      const b = document.createElement('strong');
      b.textContent = m[1];
      parent.append(b);
    } else {
      const a = document.createElement('a');
      a.textContent = m[2];
      a.href = m[3];
      if (m[3].startsWith('https:')) { a.target = '_blank'; a.rel = 'noopener noreferrer'; }
      parent.append(a);
    }
    last = m.index + m[0].length;
  }
  parent.append(text.slice(last));
}
