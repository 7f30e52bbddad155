// Object's string storage against std::string: any sequence of appends, resizes, assigns (also from its
// own bytes) and range writes leaves the same bytes, and the owner's flag bits survive every reallocation.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstring>
#include <string>

#include "props/pick.h"
#include "server/object.h"

namespace codis::server {
namespace {

RC_GTEST_PROP(ObjectString, BehavesLikeStdString, ()) {
  Object o;
  std::string model;
  const auto flags = codis::props::choice(256);
  o.set_flags(static_cast<uint8_t>(flags));
  const int steps = *rc::gen::inRange(0, 60);
  for (int i = 0; i < steps; ++i) {
    switch (codis::props::choice(6)) {
      case 0: {
        const auto s = *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
        o.str().append(s);
        model.append(s);
        break;
      }
      case 1: {
        const auto n = *rc::gen::inRange<size_t>(0, 5000);
        o.str().resize(n);
        model.resize(n, '\0');
        break;
      }
      case 2: {
        const auto s = *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
        o.str().assign(s);
        model.assign(s);
        break;
      }
      case 3: {  // append a piece of itself (the source moves if the block grows)
        if (!model.empty()) {
          const auto pos = *rc::gen::inRange<size_t>(0, model.size());
          const std::string piece = model.substr(pos);
          StrRef r = o.str();
          r.append(std::string_view(r.data() + pos, r.size() - pos));
          model.append(piece);
        }
        break;
      }
      case 4: {  // assign a piece of itself
        if (!model.empty()) {
          const auto pos = *rc::gen::inRange<size_t>(0, model.size());
          StrRef r = o.str();
          r.assign(std::string_view(r.data() + pos, r.size() - pos));
          model = model.substr(pos);
        }
        break;
      }
      default: {  // write in place
        if (!model.empty()) {
          const auto pos = *rc::gen::inRange<size_t>(0, model.size());
          o.str()[pos] = 'x';
          model[pos] = 'x';
        }
        break;
      }
    }
    RC_ASSERT(std::string(std::as_const(o).str()) == model);
    RC_ASSERT(o.flags() == flags);
    RC_ASSERT(o.type() == ObjType::kString);
  }
  Object copy = o.clone();
  RC_ASSERT(std::string(std::as_const(copy).str()) == model);
  RC_ASSERT(copy.flags() == flags);
}

}  // namespace
}  // namespace codis::server
