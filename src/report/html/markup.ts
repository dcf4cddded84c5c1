/**
 * Markup: the only way text becomes HTML in the report page. `el` makes an element and escapes
 * every text child and attribute value it is given; `Html` is markup already made by it.
 */

/** Markup made by `el`; any other value placed in the page is text and is escaped. */
export class Html {
  constructor(readonly markup: string) {}
}

export type Child = Html | string | number | null | undefined | false | readonly Child[];
type Attributes = Record<string, string | number | undefined | false>;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const VOID_ELEMENTS = new Set(['meta', 'br']);

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/** An element; `tag` and attribute names are always literals of src/report/html, values and children are escaped. */
export function el(tag: string, attributes: Attributes = {}, ...children: Child[]): Html {
  const attributeText = Object.entries(attributes)
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([name, value]) => ` ${name}="${escapeHtml(String(value))}"`)
    .join('');
  if (VOID_ELEMENTS.has(tag)) return new Html(`<${tag}${attributeText}>`);
  return new Html(`<${tag}${attributeText}>${children.map(markupOf).join('')}</${tag}>`);
}

function markupOf(child: Child): string {
  if (child instanceof Html) return child.markup;
  if (Array.isArray(child)) return child.map(markupOf).join('');
  if (child === null || child === undefined || child === false) return '';
  return escapeHtml(String(child));
}
