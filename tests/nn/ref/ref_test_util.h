// Small builders shared by the reference-executor tests.
#pragma once

#include "nn/tensor/tensor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace nnvp::test {

inline sw::tensor make_float(sw::dtype t, sw::shape4 s, const std::vector<float>& v)
{
    sw::tensor x(t, s);
    EXPECT_EQ(v.size(), x.size());
    for (std::size_t i = 0; i < v.size() && i < x.size(); ++i)
        x.set_float(i, v[i]);
    return x;
}

inline sw::tensor make_int(sw::dtype t, sw::shape4 s, const std::vector<int64_t>& v)
{
    sw::tensor x(t, s);
    EXPECT_EQ(v.size(), x.size());
    for (std::size_t i = 0; i < v.size() && i < x.size(); ++i)
        x.set_int(i, v[i]);
    return x;
}

inline std::vector<float> floats(const sw::tensor& t)
{
    std::vector<float> v(t.size());
    for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = t.get_float(i);
    return v;
}

inline std::vector<int64_t> ints(const sw::tensor& t)
{
    std::vector<int64_t> v(t.size());
    for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = t.get_int(i);
    return v;
}

// 1, 2, 3, ... in NHWC order.
inline sw::tensor ramp(sw::dtype t, sw::shape4 s, float start = 1.0f)
{
    sw::tensor x(t, s);
    for (std::size_t i = 0; i < x.size(); ++i)
        x.set_float(i, start + static_cast<float>(i));
    return x;
}

}  // namespace nnvp::test
