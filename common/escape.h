/* Untrusted strings on their way to a shell command line or a terminal.
 * Both functions append to a struct np_buf and never fail on their own (an
 * allocation failure marks the buffer, see buf.h). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct np_buf;

/* Room for np_term_str's escaped form of a name (it cuts longer ones). */
#define NP_TERM_MAX 1024

/* Length (1..4) of the well-formed UTF-8 sequence at s, 0 when s starts with
 * NUL or a byte that begins no such sequence (overlong forms, surrogates and
 * code points past U+10FFFF included). */
size_t np_utf8_len(const char *s);

/* Something a terminal acts on starts at s: a C0 control, DEL, a C1 control
 * in UTF-8 (U+0080..U+009F; U+009B is CSI) or a byte that is not UTF-8. */
bool np_term_ctrl_at(const char *s);

/* Appends s as one shell word that bash reads back as exactly s:
 * bare when it is non-empty and made of [A-Za-z0-9_@%+=:,./-] only,
 * '...' when it holds no terminal control (a ' becomes '\''),
 * $'...' otherwise, where controls, C1, non-UTF-8 bytes and ' \ ! are written
 * as \xHH (so the line also stays free of terminal controls and of history
 * expansion when pasted). A word for an argument, not a command name: bare
 * "a=b" in command position would be an assignment. */
void np_shell_quote(struct np_buf *b, const char *s);

/* Appends s with everything a terminal acts on made visible: \n \r \t,
 * other C0 and DEL as \xHH, U+0080..U+009F as \u0080..\u009f, a byte that is
 * not UTF-8 as \xHH. A backslash is left alone: this is a display form for
 * people, not a reversible encoding. */
void np_term_escape(struct np_buf *b, const char *s);

/* For printf: s itself when it holds nothing to escape, else its
 * np_term_escape form in buf (len bytes, NP_TERM_MAX is plenty for a name),
 * ending in "..." when it had to be cut. */
const char *np_term_str(const char *s, char *buf, size_t len);
