#include "models/migration/outputs.hpp"

#include <utility>

#include "models/migration/admission/admission.hpp"
#include "models/migration/demography/outputs.hpp"
#include "models/migration/housing/housing.hpp"

namespace brocken::migration {

OutputFill census_fill(Census::Slot slot) {
  return per_district([slot](const ReportView& v, std::size_t d) { return v.census.at(d, slot); });
}

OutputFill flow_fill(MonthFlows::Kind kind) {
  return per_district([kind](const ReportView& v, std::size_t d) { return v.state.flow(d, kind); });
}

namespace {

using io::Measure;
using io::OutputSpec;

OutputFill census(Census::Slot slot) {
  return census_fill(slot);
}
OutputFill flow(MonthFlows::Kind kind) {
  return flow_fill(kind);
}

OutputFill flows(MonthFlows::Kind a, MonthFlows::Kind b) {
  return per_district([a, b](const ReportView& v, std::size_t d) {
    return v.state.flow(d, a) + v.state.flow(d, b);
  });
}

ModelOutputs build() {
  ModelOutputs o;
  const std::vector<std::string> district{"district"};
  const auto stock = [&](std::string name, std::string units, std::string long_name) {
    return OutputSpec{std::move(name), "", district, std::move(units), std::move(long_name),
                      Measure::kStock};
  };
  const auto flow_spec = [&](std::string name, std::string long_name) {
    return OutputSpec{std::move(name), "", district, "persons", std::move(long_name),
                      Measure::kFlow};
  };
  // The root contract (docs/output-format.md), in this order.
  o.add(stock("population", "persons", "residents at the end of the month"),
        census(Census::kPopulation));
  o.add(flow_spec("births", "live births during the month"), flow(MonthFlows::kBirths));
  o.add(flow_spec("deaths", "deaths during the month"), flow(MonthFlows::kDeaths));
  o.add(flow_spec("arrivals",
                  "moves into the state (from the rest of Germany or abroad) during "
                  "the month, including returns"),
        flow(MonthFlows::kArrivals));
  o.add(flow_spec("departures",
                  "moves out of the state (to the rest of Germany or abroad) during the month"),
        flows(MonthFlows::kDeparturesGermany, MonthFlows::kDeparturesAbroad));
  o.add(flow_spec("returns", "arrivals of people who lived in the state before"),
        flow(MonthFlows::kReturns));
  o.add(stock("employed", "persons", "employed residents at the end of the month"),
        census(Census::kEmployed));
  o.add(stock("unemployed", "persons", "registered unemployed residents at the end of the month"),
        census(Census::kUnemployed));
  o.add(stock("vacancies", "jobs", "open registered vacancies at the end of the month"),
        per_district([](const ReportView& v, std::size_t d) { return v.state.labour.open_in(d); }));
  o.add(stock("foreign_population", "persons",
              "residents without German citizenship at the end of the month"),
        census(Census::kForeign));
  // More (time, district) variables at the root.
  o.add(flow_spec("departures_germany", "departures to the rest of Germany"),
        flow(MonthFlows::kDeparturesGermany));
  o.add(flow_spec("departures_abroad", "departures abroad"), flow(MonthFlows::kDeparturesAbroad));
  o.add(flow_spec("arrivals_foreign",
                  "arrivals (including returns) of residents without German citizenship"),
        flow(MonthFlows::kArrivalsForeign));
  o.add(flow_spec("departures_foreign", "departures of residents without German citizenship"),
        flow(MonthFlows::kDeparturesForeign));
  o.add(flow_spec("arrivals_skilled",
                  "third-country skilled workers entering through the admission pipeline"),
        flow(MonthFlows::kArrivalsSkilled));
  o.add(stock("working_age_population", "persons",
              "residents from the labour-entry age to below their cohort's statutory retirement "
              "age"),
        census(Census::kWorkingAge));
  o.add(stock("skilled_workers", "persons",
              "skilled workers: employed residents with a vocational or academic qualification"),
        per_district([](const ReportView& v, std::size_t d) {
          double x = 0;
          for (std::size_t k = 0; k < v.census.groups * 3; ++k)
            x += v.census.at(d, v.census.skilled_offset() + k);
          return x;
        }));
  o.add(flow_spec("hires", "vacancies filled during the month (matching and arrivals with a job)"),
        flow(MonthFlows::kHires));
  o.add(flow_spec("internal_moves_in",
                  "moves into the district from another district of the state during the month"),
        flow(MonthFlows::kMovesIn));
  o.add(flow_spec("internal_moves_out",
                  "moves out of the district to another district of the state during the month"),
        flow(MonthFlows::kMovesOut));

  // Demography (demography/).
  demography::declare_outputs(o);
  // Arrival.
  admission::declare_outputs(o);
  // Arrival channels and cohorts (docs/model.md "Arrival", docs/output-format.md "Cohorts").
  const auto channel_flow = [](ChannelFlows::Kind kind) {
    return [kind](const ReportView& v, std::span<double> out) {
      for (std::size_t c = 0; c < out.size(); ++c)
        out[c] = v.state.channel_flow(kind, c) * v.state.weight;
    };
  };
  o.add({"arrivals_by_channel",
         "arrival",
         {"channel"},
         "persons",
         "first arrivals in the state during the month by channel (returns not included)",
         Measure::kFlow},
        channel_flow(ChannelFlows::kArrivals));
  o.add({"returns_by_channel",
         "arrival",
         {"channel"},
         "persons",
         "returns of former residents during the month by the channel of their first arrival",
         Measure::kFlow},
        channel_flow(ChannelFlows::kReturns));
  o.add({"departures_germany_by_channel",
         "departure",
         {"channel"},
         "persons",
         "departures to the rest of Germany during the month by the channel of the first arrival",
         Measure::kFlow},
        channel_flow(ChannelFlows::kDeparturesGermany));
  o.add({"departures_abroad_by_channel",
         "departure",
         {"channel"},
         "persons",
         "departures abroad during the month by the channel of the first arrival",
         Measure::kFlow},
        channel_flow(ChannelFlows::kDeparturesAbroad));
  o.add({"cohort_persons",
         "retention",
         {"cohort", "channel", "qualification", "whereabouts"},
         "persons",
         "persons who first arrived in the state during the run, by year of first arrival, "
         "channel and qualification, by where they are at the end of the month (the dead not "
         "counted)",
         Measure::kStock},
        [](const ReportView& v, std::span<double> out) {
          for (std::size_t k = 0; k < out.size() && k < v.census.cohorts.size(); ++k)
            out[k] = v.census.cohorts[k] * v.state.weight;
        });
  // Integration: foreign residents by German level and by recognition of their qualification.
  const auto by_slots = [](Census::Slot first, std::size_t n) {
    return [first, n](const ReportView& v, std::span<double> out) {
      for (std::size_t d = 0; d < v.census.districts; ++d)
        for (std::size_t k = 0; k < n; ++k)
          out[d * n + k] = v.census.at(d, first + k) * v.state.weight;
    };
  };
  o.add({"foreign_by_language",
         "integration",
         {"district", "language"},
         "persons",
         "foreign residents by German level at the end of the month",
         Measure::kStock},
        by_slots(Census::kForeignLanguage, 5));
  o.add({"foreign_by_recognition",
         "integration",
         {"district", "recognition"},
         "persons",
         "foreign residents by the recognition of their foreign qualification at the end of the "
         "month",
         Measure::kStock},
        by_slots(Census::kForeignRecognition, kRecognitionStates));
  o.add({"foreign_discriminated",
         "integration",
         {"district"},
         "persons",
         "foreign residents who experience discrimination at the end of the month (after an "
         "event, until it ends)",
         Measure::kStock},
        census(Census::kForeignDiscriminated));
  const auto integration_flow = [&](std::string name, std::string long_name,
                                    MonthFlows::Kind kind) {
    o.add({std::move(name),
           "integration",
           {"district"},
           "persons",
           std::move(long_name),
           Measure::kFlow},
          flow(kind));
  };
  integration_flow("course_starts",
                   "German courses started during the month (federal integration courses and "
                   "the programme integration.language_course)",
                   MonthFlows::kCourseStarts);
  integration_flow("course_completions",
                   "German courses completed during the month (with their result)",
                   MonthFlows::kCourseCompletions);
  integration_flow("course_completions_b1",
                   "German courses completed during the month with B1 or above (the course "
                   "pass rate is course_completions_b1 / course_completions)",
                   MonthFlows::kCourseCompletionsB1);
  integration_flow("recognition_applications",
                   "applications for the recognition of a foreign qualification filed by "
                   "newcomers of the free streams during the month",
                   MonthFlows::kRecognitionApplications);
  integration_flow("recognitions_full", "recognition decisions of the month: full equivalence",
                   MonthFlows::kRecognitionsFull);
  integration_flow("recognitions_partial",
                   "recognition decisions of the month: partial equivalence (a compensation "
                   "measure follows)",
                   MonthFlows::kRecognitionsPartial);
  integration_flow("recognitions_none", "recognition decisions of the month: no equivalence",
                   MonthFlows::kRecognitionsNone);
  integration_flow("compensations_completed",
                   "compensation measures completed during the month (partial -> full)",
                   MonthFlows::kCompensationsCompleted);
  integration_flow("discrimination_events_labour",
                   "discrimination events of the month: a foreign job applicant rejected",
                   MonthFlows::kDiscriminationLabour);
  integration_flow("discrimination_events_housing",
                   "discrimination events of the month: a foreign dwelling applicant rejected",
                   MonthFlows::kDiscriminationHousing);
  integration_flow("newcomer_hires",
                   "hires through the labour market's matching of foreign residents here for "
                   "less than 5 years",
                   MonthFlows::kNewcomerHires);
  integration_flow("newcomer_hires_network",
                   "of which through their social network (expected number: the network part "
                   "ties_job_weight x n of the hiring weight 1 + ties_job_weight x n)",
                   MonthFlows::kNewcomerHiresNetwork);
  integration_flow("discrimination_events_everyday",
                   "discrimination events of the month outside the labour and housing markets",
                   MonthFlows::kDiscriminationEveryday);
  // Housing market (housing/).
  housing::declare_outputs(o);
  // Labour market (labour/).
  labour::declare_labour_outputs(o);
  // Policies.
  o.add({"spending",
         "policies",
         {"policy", "district", "cost_category"},
         "EUR",
         "policy spending during the month, by instance, district and cost category",
         Measure::kFlow},
        [](const ReportView& v, std::span<double> out) {
          for (std::size_t k = 0; k < out.size(); ++k) out[k] = v.spending[k];
        });
  return o;
}

}  // namespace

io::OutputId ModelOutputs::add(io::OutputSpec spec, OutputFill f) {
  const io::OutputId id = table.declare(std::move(spec));
  fill.push_back(std::move(f));
  return id;
}

const ModelOutputs& model_outputs() {
  static const ModelOutputs outputs = build();
  return outputs;
}

std::size_t cohort_years(const scenario::YearMonth& start, int months) noexcept {
  if (months <= 0) return 0;
  return static_cast<std::size_t>((start.index() + months - 1) / 12 - start.year + 1);
}

io::DimensionSizes output_sizes(std::size_t districts, std::size_t age_bands,
                                std::size_t occupations, std::size_t policies,
                                std::size_t cohorts) {
  return {{"district", districts},
          {"age_band", age_bands},
          {"sex", 2},
          {"nationality", 3},
          {"qualification", 4},
          {"occupation", occupations},
          {"policy", policies},
          {"channel", kChannels},
          {"cohort", cohorts},
          {"whereabouts", kWhereabouts},
          {"language", 5},
          {"recognition", kRecognitionStates},
          {"admission_step", admission::kSteps},
          {"cost_category", policy::kCostCategories}};
}

void record_outputs(const ReportView& view, const io::DimensionSizes& sizes, io::Series& series,
                    bool start) {
  const ModelOutputs& o = model_outputs();
  if (series.monthly.size() != o.table.size()) series = io::make_series(o.table);
  for (std::size_t i = 0; i < o.table.size(); ++i) {
    const bool stock = o.table[i].measure == io::Measure::kStock;
    if (start && !stock) continue;
    const std::size_t n = o.table.per_month(i, sizes);
    auto& dest = start ? series.start[i] : series.monthly[i];
    const std::size_t at = start ? 0 : dest.size();
    if (start) dest.clear();
    dest.resize(at + n, 0.0);
    if (n > 0) o.fill[i](view, std::span<double>(dest.data() + at, n));
  }
}

}  // namespace brocken::migration
