# Homebrew formula for devports (README: Install). The repository has no published release yet,
# so the formula builds the latest sources (`brew install --HEAD`); a release adds its `url` and
# `sha256` here, e.g.
#   url "https://github.com/OWNER/devports/archive/refs/tags/v0.1.0.tar.gz"
#   sha256 "<shasum -a 256 of that tarball>"
# Set `homepage` and `head` to the repository's public address before publishing the formula;
# until then HOMEBREW_DEVPORTS_GIT names the repository to build (a clone: file:///path/to/it;
# Homebrew passes HOMEBREW_* variables through).
class Devports < Formula
  desc "Terminal dashboard of listening TCP and UDP ports and who holds them"
  homepage "https://github.com/OWNER/devports"
  head ENV.fetch("HOMEBREW_DEVPORTS_GIT", "https://github.com/OWNER/devports.git"), branch: "main"

  depends_on "cmake" => :build
  depends_on "pkg-config" => :build
  # Headers only: inspect's HTTP check opens the system's libcurl when it first runs.
  depends_on "curl" => :build
  depends_on "cjson"
  depends_on "libyaml"
  depends_on "ncurses"

  def install
    system "cmake", "-S", ".", "-B", "build", "-DBUILD_TESTING=OFF", "-DDEVPORTS_WERROR=OFF",
           *std_cmake_args
    system "cmake", "--build", "build"
    system "cmake", "--install", "build"
  end

  test do
    assert_match "devports", shell_output("#{bin}/devports --version")
    json = shell_output("#{bin}/devports --demo --json")
    assert_match(/"schema_version":\s+2/, json)
    assert_match(/"port":\s+3000/, json)
    # a port is a number from 1 to 65535: anything else is exit 2
    shell_output("#{bin}/devports who 0 2>&1", 2)
    assert_predicate man1/"devports.1", :exist?
    assert_predicate bash_completion/"devports", :exist?
    assert_predicate zsh_completion/"_devports", :exist?
    assert_predicate fish_completion/"devports.fish", :exist?
  end
end
