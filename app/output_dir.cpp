#include "app/output_dir.h"

#include "ip/common/config_reader.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace nnvp {

void prepare_output_dir(const std::string& dir, const std::string& what) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        throw config_error(what + " " + dir + ": cannot create the output folder (" +
                           (ec ? ec.message() : "not a directory") + ")");
    const std::string probe = dir + "/.nnvp_write_probe";
    {
        std::ofstream out(probe);
        out << "probe\n";
        out.close();
        if (!out) {
            const std::string reason = std::strerror(errno);
            fs::remove(probe, ec);
            throw config_error(what + " " + dir + ": cannot write into the output folder (" +
                               reason + ")");
        }
    }
    fs::remove(probe, ec);
}

void finish_output_file(std::ofstream& out, const std::string& path) {
    out.close();
    if (!out)
        throw std::runtime_error(path + ": cannot write (" + std::strerror(errno) + ")");
}

}  // namespace nnvp
