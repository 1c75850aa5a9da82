target_sources(brocken_engine PRIVATE
  scenario/diagnostics.cpp
  scenario/node.cpp
  scenario/load.cpp
  scenario/reader.cpp)
