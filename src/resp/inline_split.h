// Splits one inline command line ("SET k "v 1"") into arguments with the quoting rules of Redis's
// sdssplitargs, returning views into the line where possible.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace codis::resp {

// Splits `line` (without its line terminator) into `args`, replacing its contents.
//
// Rules, as Redis applies them to inline requests:
//  - arguments are separated by runs of C-locale spaces (space, \t, \n, \v, \f, \r); inside an unquoted
//    argument only space, \t, \n and \r end it (a \v or \f in the middle belongs to the argument);
//  - "double quotes" understand \n \r \t \b \a, \xHH (two hex digits) and a backslash before any other
//    character stands for that character; 'single quotes' understand only \';
//  - a quote may start in the middle of an argument (ab"c d" is the one argument `abc d`), and a closing
//    quote must be followed by a space or the end of the line, else the line is malformed;
//  - an unterminated quote makes the line malformed;
//  - a NUL byte ends the line, because Redis splits the line as a C string.
//
// Arguments without quotes are views into `line`. Arguments with quotes are unescaped into `scratch`,
// which is cleared and reserved to line.size() first so it never reallocates while views into it exist
// (unescaping never makes text longer). Both stay valid until `line`'s storage or `scratch` change.
//
// Returns false for a malformed line (Redis: "Protocol error: unbalanced quotes in request").
bool split_inline(std::string_view line, std::vector<std::string_view>& args, std::string& scratch);

// Appends args as one inline line that split_inline reads back to exactly the same arguments (every
// argument double-quoted, with escapes for quotes, backslashes and non-printable bytes), ending in
// "\r\n". NUL bytes cannot be sent inline, so they are written as \x00.
void append_inline_command(const std::vector<std::string_view>& args, std::string& out);

}  // namespace codis::resp
