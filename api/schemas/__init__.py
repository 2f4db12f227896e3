"""Request and response bodies of the ``/v1`` API (pydantic).

Times of day are ``"HH:MM"`` local wall-clock strings (``"24:00"`` allowed as a closing time);
instants are ISO 8601 with an offset; rates and shares are fractions in [0, 1].

One module per resource; every public name is re-exported here, so
``from api.schemas import X`` works for all of them.
"""

from __future__ import annotations

from api.schemas.access import (
    AuditEventList as AuditEventList,
)
from api.schemas.access import (
    AuditEventRead as AuditEventRead,
)
from api.schemas.access import (
    Role as Role,
)
from api.schemas.access import (
    TokenCreate as TokenCreate,
)
from api.schemas.access import (
    TokenCreated as TokenCreated,
)
from api.schemas.access import (
    TokenList as TokenList,
)
from api.schemas.access import (
    TokenRead as TokenRead,
)
from api.schemas.capacity import (
    AttritionBandBody as AttritionBandBody,
)
from api.schemas.capacity import (
    AttritionBody as AttritionBody,
)
from api.schemas.capacity import (
    CapacityCohort as CapacityCohort,
)
from api.schemas.capacity import (
    CapacityContract as CapacityContract,
)
from api.schemas.capacity import (
    CapacityCostsBody as CapacityCostsBody,
)
from api.schemas.capacity import (
    CapacityPlanCreate as CapacityPlanCreate,
)
from api.schemas.capacity import (
    CapacityPlanList as CapacityPlanList,
)
from api.schemas.capacity import (
    CapacityPlanRead as CapacityPlanRead,
)
from api.schemas.capacity import (
    CapacityPlanSummary as CapacityPlanSummary,
)
from api.schemas.capacity import (
    HireClassBody as HireClassBody,
)
from api.schemas.capacity import (
    HiringPolicyBody as HiringPolicyBody,
)
from api.schemas.capacity import (
    HrView as HrView,
)
from api.schemas.common import (
    DATE_MAX as DATE_MAX,
)
from api.schemas.common import (
    DATE_MIN as DATE_MIN,
)
from api.schemas.common import (
    DAY_NAMES as DAY_NAMES,
)
from api.schemas.common import (
    INT64_MAX as INT64_MAX,
)
from api.schemas.common import (
    INT64_MIN as INT64_MIN,
)
from api.schemas.common import (
    Code as Code,
)
from api.schemas.common import (
    Fraction as Fraction,
)
from api.schemas.common import (
    Name as Name,
)
from api.schemas.common import (
    Page as Page,
)
from api.schemas.common import (
    Patch as Patch,
)
from api.schemas.common import (
    PlanDate as PlanDate,
)
from api.schemas.common import (
    Strict as Strict,
)
from api.schemas.common import (
    TimeWindow as TimeWindow,
)
from api.schemas.common import (
    Week as Week,
)
from api.schemas.common import (
    hhmm_to_minute as hhmm_to_minute,
)
from api.schemas.common import (
    minute_to_hhmm as minute_to_hhmm,
)
from api.schemas.common import (
    week_from_minutes as week_from_minutes,
)
from api.schemas.common import (
    week_to_minutes as week_to_minutes,
)
from api.schemas.forecasts import (
    ForecastCreate as ForecastCreate,
)
from api.schemas.forecasts import (
    ForecastIntervals as ForecastIntervals,
)
from api.schemas.forecasts import (
    ForecastList as ForecastList,
)
from api.schemas.forecasts import (
    ForecastRead as ForecastRead,
)
from api.schemas.forecasts import (
    ForecastSummary as ForecastSummary,
)
from api.schemas.forecasts import (
    ForecastWarningRead as ForecastWarningRead,
)
from api.schemas.forecasts import (
    RequirementCreate as RequirementCreate,
)
from api.schemas.forecasts import (
    RequirementIntervals as RequirementIntervals,
)
from api.schemas.forecasts import (
    RequirementList as RequirementList,
)
from api.schemas.forecasts import (
    RequirementRead as RequirementRead,
)
from api.schemas.forecasts import (
    RequirementSummary as RequirementSummary,
)
from api.schemas.forecasts import (
    SimulatedKpisRead as SimulatedKpisRead,
)
from api.schemas.hiring import (
    DayChangeRead as DayChangeRead,
)
from api.schemas.hiring import (
    HeadcountTargetBody as HeadcountTargetBody,
)
from api.schemas.hiring import (
    HireCountRead as HireCountRead,
)
from api.schemas.hiring import (
    HiringScenarioCreate as HiringScenarioCreate,
)
from api.schemas.hiring import (
    HiringScenarioList as HiringScenarioList,
)
from api.schemas.hiring import (
    HiringScenarioRead as HiringScenarioRead,
)
from api.schemas.hiring import (
    HiringScenarioSummary as HiringScenarioSummary,
)
from api.schemas.hiring import (
    LeaversBody as LeaversBody,
)
from api.schemas.hiring import (
    MarginalHireRead as MarginalHireRead,
)
from api.schemas.hiring import (
    VacancyBody as VacancyBody,
)
from api.schemas.imports import (
    HistoryRead as HistoryRead,
)
from api.schemas.imports import (
    ImportList as ImportList,
)
from api.schemas.imports import (
    ImportProblem as ImportProblem,
)
from api.schemas.imports import (
    ImportReport as ImportReport,
)
from api.schemas.jobs import (
    JobList as JobList,
)
from api.schemas.jobs import (
    JobRead as JobRead,
)
from api.schemas.jobs import (
    JobStatus as JobStatus,
)
from api.schemas.queues import (
    Channel as Channel,
)
from api.schemas.queues import (
    QueueBase as QueueBase,
)
from api.schemas.queues import (
    QueueCreate as QueueCreate,
)
from api.schemas.queues import (
    QueueList as QueueList,
)
from api.schemas.queues import (
    QueueRead as QueueRead,
)
from api.schemas.queues import (
    QueueUpdate as QueueUpdate,
)
from api.schemas.queues import (
    ServiceGoal as ServiceGoal,
)
from api.schemas.queues import (
    StaffingKind as StaffingKind,
)
from api.schemas.rosters import (
    AgentSchedule as AgentSchedule,
)
from api.schemas.rosters import (
    RosterJobCreate as RosterJobCreate,
)
from api.schemas.rosters import (
    RosterList as RosterList,
)
from api.schemas.rosters import (
    RosterRead as RosterRead,
)
from api.schemas.rosters import (
    RosterSummary as RosterSummary,
)
from api.schemas.scenarios import (
    AhtChangeBody as AhtChangeBody,
)
from api.schemas.scenarios import (
    ComparisonCreate as ComparisonCreate,
)
from api.schemas.scenarios import (
    ComparisonRead as ComparisonRead,
)
from api.schemas.scenarios import (
    PlanSettingsBody as PlanSettingsBody,
)
from api.schemas.scenarios import (
    ScenarioChanges as ScenarioChanges,
)
from api.schemas.scenarios import (
    ScenarioCreate as ScenarioCreate,
)
from api.schemas.scenarios import (
    ScenarioList as ScenarioList,
)
from api.schemas.scenarios import (
    ScenarioRead as ScenarioRead,
)
from api.schemas.scenarios import (
    StaffingModelBody as StaffingModelBody,
)
from api.schemas.scenarios import (
    VolumeChangeBody as VolumeChangeBody,
)
from api.schemas.scenarios import (
    WindowBody as WindowBody,
)
from api.schemas.scenarios import (
    WorkforceContractBody as WorkforceContractBody,
)
from api.schemas.sites import (
    SiteBase as SiteBase,
)
from api.schemas.sites import (
    SiteCreate as SiteCreate,
)
from api.schemas.sites import (
    SiteList as SiteList,
)
from api.schemas.sites import (
    SiteRead as SiteRead,
)
from api.schemas.sites import (
    SiteUpdate as SiteUpdate,
)
from api.schemas.sites import (
    WeekStartDay as WeekStartDay,
)
from api.schemas.staff import (
    AgentBase as AgentBase,
)
from api.schemas.staff import (
    AgentCreate as AgentCreate,
)
from api.schemas.staff import (
    AgentList as AgentList,
)
from api.schemas.staff import (
    AgentPreferences as AgentPreferences,
)
from api.schemas.staff import (
    AgentRead as AgentRead,
)
from api.schemas.staff import (
    AgentUpdate as AgentUpdate,
)
from api.schemas.staff import (
    BreakRule as BreakRule,
)
from api.schemas.staff import (
    ContractBase as ContractBase,
)
from api.schemas.staff import (
    ContractCreate as ContractCreate,
)
from api.schemas.staff import (
    ContractList as ContractList,
)
from api.schemas.staff import (
    ContractRead as ContractRead,
)
from api.schemas.staff import (
    ShiftRulesBody as ShiftRulesBody,
)
from api.schemas.staff import (
    ShiftRulesRead as ShiftRulesRead,
)
from api.schemas.staff import (
    StartWindow as StartWindow,
)
from api.schemas.staff import (
    TimeOffCreate as TimeOffCreate,
)
from api.schemas.staff import (
    TimeOffList as TimeOffList,
)
from api.schemas.staff import (
    TimeOffRead as TimeOffRead,
)
from api.schemas.staff import (
    Weekday as Weekday,
)
from api.schemas.staff import (
    Weight as Weight,
)
