// Keyed lists re-sorted in place (the cards, the banner's entries) without losing keyboard focus.

/**
 * Puts `node` at position `index` of `parent`. Moving a node out and back in takes focus from anything inside it,
 * so focus is given back to the element that had it, without scrolling.
 */
export function placeAt(parent, node, index) {
  if (parent.children[index] === node) return;
  const focused = document.activeElement;
  const hadFocus = focused && node.contains(focused);
  parent.insertBefore(node, parent.children[index] || null);
  if (hadFocus && document.activeElement !== focused && focused.isConnected) focused.focus({ preventScroll: true });
}
