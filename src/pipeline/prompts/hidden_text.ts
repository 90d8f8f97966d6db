/**
 * Text a person reviewing a ticket or a comment does not see but a model reads: HTML comments (hidden
 * when Markdown is rendered), zero-width characters, bidirectional controls that reorder what is shown,
 * and Unicode tag characters (invisible ASCII look-alikes). Each is a known prompt-injection channel
 * against coding agents (SPEC §4), so ticket text and review comments pass through here first.
 */

// An unterminated comment hides everything after it in rendered Markdown, so it is cut to the end.
const htmlComment = /<!--[\s\S]*?(?:-->|$)/g
const zeroWidth = /[\u200B-\u200D\u2060-\u2064\uFEFF\u180E\u00AD\u034F\u115F\u1160\u3164\uFFA0]/g
const bidi = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g
const tags = /[\u{E0000}-\u{E007F}]/gu

export const stripHiddenText = (text: string): string =>
  text.replace(htmlComment, "").replace(tags, "").replace(zeroWidth, "").replace(bidi, "")
