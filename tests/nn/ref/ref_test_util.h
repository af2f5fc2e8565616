// Small builders shared by the reference-executor tests.
#pragma once

#include "nn/tensor/tensor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace nnvp::test {

inline nn::tensor make_float(nn::dtype t, nn::shape4 s, const std::vector<float>& v)
{
    nn::tensor x(t, s);
    EXPECT_EQ(v.size(), x.size());
    for (std::size_t i = 0; i < v.size() && i < x.size(); ++i)
        x.set_float(i, v[i]);
    return x;
}

inline nn::tensor make_int(nn::dtype t, nn::shape4 s, const std::vector<int64_t>& v)
{
    nn::tensor x(t, s);
    EXPECT_EQ(v.size(), x.size());
    for (std::size_t i = 0; i < v.size() && i < x.size(); ++i)
        x.set_int(i, v[i]);
    return x;
}

inline std::vector<float> floats(const nn::tensor& t)
{
    std::vector<float> v(t.size());
    for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = t.get_float(i);
    return v;
}

inline std::vector<int64_t> ints(const nn::tensor& t)
{
    std::vector<int64_t> v(t.size());
    for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = t.get_int(i);
    return v;
}

// 1, 2, 3, ... in NHWC order.
inline nn::tensor ramp(nn::dtype t, nn::shape4 s, float start = 1.0f)
{
    nn::tensor x(t, s);
    for (std::size_t i = 0; i < x.size(); ++i)
        x.set_float(i, start + static_cast<float>(i));
    return x;
}

}  // namespace nnvp::test
