"""주민e참여 screens: the public pages (no login), what a verified resident does (propose, comment, ask, vote),
and the officials' workspace. Thin: parse, authorise, call one action or query, render."""
