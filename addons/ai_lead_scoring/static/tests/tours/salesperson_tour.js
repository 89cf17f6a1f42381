/** A salesperson opens the CRM pipeline, sees the AI score on the card of an opportunity the test scored,
 * opens it and reads why: the score bar, the AI Insights page and the "Why?" dialog. The texts are
 * checked in the user's language (en_US or fr_FR). */
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { stepUtils } from "@web_tour/tour_utils";

const t = (en, fr) => (user.lang.startsWith("fr") ? fr : en);
const CARD = `.o_kanban_record:contains("Tour opportunity")`;

registry.category("web_tour.tours").add("ai_lead_scoring_salesperson_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("crm.crm_menu_root", "Open the CRM app"),
        {
            content: "The pipeline is shown",
            trigger: `.o_kanban_view .o_kanban_group ${CARD}`,
        },
        {
            content: "The card shows the AI score badge, in the user's language",
            trigger: `${CARD} span.badge.text-bg-success:contains("${t("AI", "IA")}"):contains("· A")`,
        },
        {
            content: "The badge's tooltip gives the reasons",
            trigger: `${CARD} span.badge[title*="Referral"]`,
        },
        {
            content: "Open the opportunity",
            trigger: CARD,
            run: "click",
        },
        {
            content: "The score bar is under the title",
            trigger: `.o_form_view div[name="ai_score_bar"] .badge:contains("${t("AI score", "Score IA")}")`,
        },
        {
            content: "Open the AI Insights page",
            trigger: `.o_notebook .nav-link[name="ai_insights"]:contains("${t("AI Insights", "Analyses IA")}")`,
            run: "click",
        },
        {
            content: "The page lists the reasons of the score under their label",
            trigger: `.o_notebook .tab-pane.active:has(.o_form_label:contains("${t("Why this score", "Pourquoi ce score")}")) .o_field_widget[name="ai_reasons_text"]:contains("Referral")`,
        },
        {
            content: "The page's sections are in the user's language",
            trigger: `.o_notebook .tab-pane.active:has(.o_horizontal_separator:contains("${t("Conversion", "Conversion")}")) button[name="action_ai_rescore"]:contains("${t("Refresh score and advice", "Actualiser le score et les conseils")}")`,
        },
        {
            content: "Ask why",
            trigger: `div[name="ai_score_bar"] button[name="action_ai_explain"]:contains("${t("Why?", "Pourquoi ?")}")`,
            run: "click",
        },
        {
            content: "The dialog gives the main reasons",
            trigger: `.modal:has(.modal-title:contains("${t("Why this score?", "Pourquoi ce score ?")}")) .o_horizontal_separator:contains("${t("Main reasons", "Principales raisons")}")`,
        },
        {
            content: "The reasons name the source that drives the score",
            trigger: `.modal .o_field_widget[name="ai_reasons_text"]:contains("Referral")`,
        },
        {
            content: "Close the dialog",
            trigger: `.modal-footer button:contains("${t("Close", "Fermer")}")`,
            run: "click",
        },
        {
            content: "Back on the opportunity",
            trigger: `body:not(:has(.modal)) .o_form_view div[name="ai_score_bar"]`,
        },
    ],
});
