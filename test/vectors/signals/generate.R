# Reference outputs of R's `surveillance` package for test/unit/signals-reference.test.ts.
#
# Run from the repository root:  Rscript test/vectors/signals/generate.R
# Needs R >= 4 with the CRAN packages `surveillance` and `jsonlite` (Debian: r-cran-surveillance).
# Writes farrington.json, ears.json and cusum.json beside this file; README.md names the data
# sets, the versions used and the licences.
#
# Every series is indexed by position (an sts without epoch dates, frequency 52), so reference
# weeks are exactly `freq` positions back, as Vigil's module counts them.

suppressMessages({
  library(surveillance)
  library(jsonlite)
})

out_dir <- "test/vectors/signals"

# One weekly series as an sts indexed by position.
weekly <- function(counts, population = NULL) {
  if (is.null(population)) {
    sts(observed = matrix(as.numeric(counts), ncol = 1), frequency = 52, start = c(2000, 1))
  } else {
    sts(observed = matrix(as.numeric(counts), ncol = 1), frequency = 52, start = c(2000, 1),
        population = matrix(as.numeric(population), ncol = 1))
  }
}

data(salmonella.agona)
data(ha.sts)
data(salmNewport)
data(campyDE)

series <- list(
  salmonella.agona = salmonella.agona$observed,
  ha.sts.berlin = rowSums(observed(ha.sts)),
  ha.sts.pank = observed(ha.sts)[, "pank"],
  ha.sts.scho = observed(ha.sts)[, "scho"],
  salmNewport.germany = rowSums(observed(salmNewport)),
  salmNewport.bavaria = observed(salmNewport)[, "Bavaria"],
  campyDE = campyDE$case
)

na_null <- function(x) {
  x <- as.numeric(x)
  lapply(x, function(v) if (is.na(v)) NULL else v)
}

# --- Farrington flexible ---------------------------------------------------------------------

defaults <- list(b = 5, w = 3, reweight = TRUE, weightsThreshold = 2.58, alpha = 0.05,
                 trend = TRUE, pThresholdTrend = 0.05, limit54 = c(5, 4), powertrans = "2/3",
                 populationOffset = FALSE, noPeriods = 1, pastWeeksNotIncluded = NULL,
                 thresholdMethod = "delta")

farrington_case <- function(name, counts, control, population = NULL, range = NULL) {
  x <- weekly(counts, population)
  full <- modifyList(defaults, control, keep.null = TRUE)
  if (is.null(full$pastWeeksNotIncluded)) full$pastWeeksNotIncluded <- full$w
  if (is.null(range)) range <- (52 * full$b + full$w + 1):length(counts)
  full$range <- range
  res <- farringtonFlexible(x, control = full)
  full$range <- NULL
  list(
    name = name,
    observed = na_null(counts),
    population = if (is.null(population)) NULL else as.numeric(population),
    freq = 52,
    control = full,
    range = c(min(range), max(range)),
    output = list(
      upperbound = na_null(upperbound(res)),
      expected = na_null(res@control$expected),
      alarm = as.logical(alarms(res)),
      pvalue = na_null(res@control$pvalue),
      score = na_null(res@control$score),
      trend = as.logical(res@control$trend)
    )
  )
}

last <- function(counts, n) (length(counts) - n + 1):length(counts)

noufaily <- list(noPeriods = 10, pastWeeksNotIncluded = 26, thresholdMethod = "muan")

# A population that grows by half over the series, to give the offset something to do.
agona_population <- round(100000 * (1 + 0.5 * seq_along(series$salmonella.agona) / 312))

# Weeks 400 to 409 of salmNewport (Germany) marked as a known outbreak: set to NA, which R drops
# from the baseline exactly as Vigil's outbreak mask does.
masked <- series$salmNewport.germany
masked[400:409] <- NA

farrington <- list(
  farrington_case("salmonella.agona, defaults", series$salmonella.agona, list()),
  farrington_case("ha.sts Berlin total, defaults", series$ha.sts.berlin, list()),
  farrington_case("ha.sts pank, defaults", series$ha.sts.pank, list()),
  farrington_case("ha.sts scho, defaults", series$ha.sts.scho, list()),
  farrington_case("salmNewport Germany, defaults", series$salmNewport.germany, list()),
  farrington_case("salmNewport Bavaria, defaults", series$salmNewport.bavaria, list()),
  farrington_case("campyDE, defaults", series$campyDE, list()),
  farrington_case("salmNewport Germany, Noufaily (noPeriods 10, 26 weeks out, muan)",
                  series$salmNewport.germany, noufaily, range = last(series$salmNewport.germany, 104)),
  farrington_case("campyDE, Noufaily (noPeriods 10, 26 weeks out, muan)",
                  series$campyDE, noufaily, range = last(series$campyDE, 104)),
  farrington_case("salmNewport Germany, noPeriods 10, nbPlugin",
                  series$salmNewport.germany,
                  list(noPeriods = 10, pastWeeksNotIncluded = 26, thresholdMethod = "nbPlugin"),
                  range = last(series$salmNewport.germany, 104)),
  farrington_case("salmNewport Bavaria, Noufaily (noPeriods 10, 26 weeks out, muan)",
                  series$salmNewport.bavaria, noufaily, range = last(series$salmNewport.bavaria, 104)),
  farrington_case("salmonella.agona, population offset", series$salmonella.agona,
                  list(populationOffset = TRUE), population = agona_population),
  farrington_case("campyDE, b 3, w 2, alpha 0.01, no reweighting, powertrans 1/2",
                  series$campyDE,
                  list(b = 3, w = 2, alpha = 0.01, reweight = FALSE, powertrans = "1/2"),
                  range = last(series$campyDE, 104)),
  farrington_case("salmNewport Germany, b 3, no trend, powertrans none, limit54 (3, 2)",
                  series$salmNewport.germany,
                  list(b = 3, trend = FALSE, powertrans = "none", limit54 = c(3, 2)),
                  range = last(series$salmNewport.germany, 104)),
  farrington_case("salmNewport Germany, weeks 400-409 masked", masked, list(),
                  range = 390:460)
)

# --- EARS C1, C2, C3 -------------------------------------------------------------------------

ears_case <- function(name, counts, control) {
  res <- earsC(weekly(counts), control = control)
  n <- length(counts)
  range <- (n - nrow(res) + 1):n
  list(
    name = name,
    observed = as.numeric(counts),
    control = control,
    range = c(min(range), max(range)),
    output = list(upperbound = na_null(upperbound(res)), alarm = as.logical(alarms(res)))
  )
}

ears <- list()
for (m in c("C1", "C2", "C3")) {
  ears[[length(ears) + 1]] <- ears_case(paste0("salmonella.agona, ", m), series$salmonella.agona,
                                        list(method = m))
  ears[[length(ears) + 1]] <- ears_case(paste0("campyDE, ", m), series$campyDE,
                                        list(method = m))
  ears[[length(ears) + 1]] <- ears_case(paste0("ha.sts Berlin total, ", m, ", baseline 10, alpha 0.05, minSigma 0.5"),
                                        series$ha.sts.berlin,
                                        list(method = m, baseline = 10, alpha = 0.05, minSigma = 0.5))
}

# --- CUSUM -----------------------------------------------------------------------------------

cusum_case <- function(name, counts, control) {
  dp <- sts2disProg(sts(observed = matrix(as.numeric(counts), ncol = 1), frequency = 52,
                        start = c(1990, 1)))
  res <- algo.cusum(dp, control = control)
  list(
    name = name,
    observed = as.numeric(counts),
    control = control[names(control) != "range"],
    range = c(min(control$range), max(control$range)),
    output = list(
      upperbound = na_null(res$upperbound),
      alarm = as.logical(res$alarm),
      cusum = na_null(res$cusum),
      m = na_null(res$control$m)
    )
  )
}

cusum <- list(
  cusum_case("salmonella.agona, standard, k 1.04, h 2.26", series$salmonella.agona,
             list(range = 209:312, k = 1.04, h = 2.26, trans = "standard")),
  cusum_case("salmonella.agona, rossi, k 1.04, h 2.26", series$salmonella.agona,
             list(range = 209:312, k = 1.04, h = 2.26, trans = "rossi")),
  cusum_case("salmonella.agona, anscombe, k 0.5, h 4", series$salmonella.agona,
             list(range = 209:312, k = 0.5, h = 4, trans = "anscombe")),
  cusum_case("ha.sts Berlin total, standard, seasonal glm mean", series$ha.sts.berlin,
             list(range = 157:290, k = 1.04, h = 2.26, trans = "standard", m = "glm")),
  cusum_case("campyDE, rossi, seasonal glm mean", series$campyDE,
             list(range = 313:522, k = 1.04, h = 2.26, trans = "rossi", m = "glm"))
)

write_vectors <- function(cases, file) {
  write_json(list(
    generator = "test/vectors/signals/generate.R",
    R = R.version.string,
    surveillance = as.character(packageVersion("surveillance")),
    cases = cases
  ), file.path(out_dir, file), auto_unbox = TRUE, digits = NA, null = "null", na = "null",
  pretty = FALSE)
}

write_vectors(farrington, "farrington.json")
write_vectors(ears, "ears.json")
write_vectors(cusum, "cusum.json")
cat("wrote", length(farrington), "Farrington,", length(ears), "EARS and", length(cusum),
    "CUSUM cases\n")
