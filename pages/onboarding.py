"""Placeholder until the page lands."""

import streamlit as st

st.title("onboarding")
st.info("This page is being built.")
