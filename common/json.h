/* Appending JSON values to a np_buf: just enough for our listings. */
#pragma once

#include <stdbool.h>

struct np_buf;

void np_json_str(struct np_buf *b, const char *s);
/* `, "key": "value"` (or without the comma for the first member). */
void np_json_kv(struct np_buf *b, bool first, const char *key, const char *value);
void np_json_kb(struct np_buf *b, bool first, const char *key, bool value);
void np_json_kn(struct np_buf *b, bool first, const char *key, long long value);
